// Parses XML and property lists with real parsers: Python's xml.etree.ElementTree (an expat
// parser: a document that is not well-formed raises) and plistlib (Apple's plist format).
// Returns a JSON view for assertions.

import { execFile } from 'node:child_process';

const SCRIPT = `
import sys, json, plistlib, xml.etree.ElementTree as ET
kind = sys.argv[1]
data = sys.stdin.buffer.read()
def view(e):
    tag = e.tag.split('}', 1)[-1]
    ns = e.tag[1:].split('}', 1)[0] if e.tag.startswith('{') else None
    return {'tag': tag, 'ns': ns, 'attrs': dict(e.attrib), 'text': (e.text or '').strip(), 'children': [view(c) for c in e]}
if kind == 'plist':
    print(json.dumps(plistlib.loads(data, fmt=plistlib.FMT_XML), default=str))
else:
    print(json.dumps(view(ET.fromstring(data))))
`;

export interface XmlNode { tag: string; ns: string | null; attrs: Record<string, string>; text: string; children: XmlNode[] }

function python(kind: 'xml' | 'plist', text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', SCRIPT, kind], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) { reject(new Error(`python3 could not parse the ${kind}: ${stderr || err.message}`)); return; }
      resolve(JSON.parse(stdout));
    });
    child.stdin!.end(text);
  });
}

export const parseXml = (text: string) => python('xml', text) as Promise<XmlNode>;
export const parsePlist = (text: string) => python('plist', text) as Promise<Record<string, unknown>>;

export function child(node: XmlNode, tag: string): XmlNode {
  const c = node.children.find((n) => n.tag === tag);
  if (!c) throw new Error(`no <${tag}> in <${node.tag}>`);
  return c;
}

export function children(node: XmlNode, tag: string): XmlNode[] {
  return node.children.filter((n) => n.tag === tag);
}
