// Temperatures from the kernel's hwmon and thermal interfaces (millidegrees Celsius). Many VMs
// and containers expose neither: then the list is empty, which is not an error.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Temperature } from '../../ui/shared/api-types.js';

async function readText(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return null;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

function celsius(milli: string | null): number | null {
  if (milli === null || !/^-?\d+$/.test(milli)) return null;
  const c = Number(milli) / 1000;
  // Disconnected sensors report absurd values; keep what a machine can be.
  return c > -60 && c < 200 ? c : null;
}

export async function readTemperatures(root = '/'): Promise<Temperature[]> {
  const out: Temperature[] = [];
  const hwmon = path.join(root, 'sys/class/hwmon');
  for (const dev of await list(hwmon)) {
    const dir = path.join(hwmon, dev);
    const name = (await readText(path.join(dir, 'name'))) ?? dev;
    for (const file of await list(dir)) {
      const m = /^temp(\d+)_input$/.exec(file);
      if (!m) continue;
      const value = celsius(await readText(path.join(dir, file)));
      if (value === null) continue;
      const label = await readText(path.join(dir, `temp${m[1]}_label`));
      out.push({ sensor: `${name}/${label ?? `temp${m[1]}`}`, celsius: value });
    }
  }
  if (out.length > 0) return out;
  // No hwmon: the ACPI thermal zones, where present.
  const thermal = path.join(root, 'sys/class/thermal');
  for (const zone of await list(thermal)) {
    if (!zone.startsWith('thermal_zone')) continue;
    const value = celsius(await readText(path.join(thermal, zone, 'temp')));
    if (value === null) continue;
    out.push({ sensor: `${(await readText(path.join(thermal, zone, 'type'))) ?? zone}`, celsius: value });
  }
  return out;
}
