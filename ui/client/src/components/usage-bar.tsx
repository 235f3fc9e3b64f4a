// A horizontal bar for "used of total": a <meter> for assistive technology, drawn by CSS.

export function UsageBar({ value, label, text }: { value: number; label: string; text: string }) {
  const level = value >= 90 ? 'high' : value >= 75 ? 'mid' : 'low';
  return (
    <div class="usage">
      <meter class={`usage-bar ${level}`} min={0} max={100} low={75} high={90} optimum={0} value={value} aria-label={label} />
      <span class="usage-text">{text}</span>
    </div>
  );
}
