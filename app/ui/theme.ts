/** Shared look of the app's components (no web fonts: nothing is fetched from elsewhere). */
import { css } from 'lit';

export const theme = css`
  :host { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d1d1f; }
  h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
  h3 { font-size: 1rem; margin: 1rem 0 0.4rem; }
  p { margin: 0.3rem 0 0.6rem; }
  button, select, input { font: inherit; }
  button { padding: 0.3rem 0.8rem; border: 1px solid #8a8f98; border-radius: 6px; background: #fff; cursor: pointer; }
  button.primary { background: #1f4e8c; border-color: #1f4e8c; color: #fff; }
  button:disabled { opacity: 0.5; cursor: default; }
  button:focus-visible, select:focus-visible, input:focus-visible, [tabindex]:focus-visible { outline: 3px solid #f0b429; outline-offset: 1px; }
  input[type='number'] { width: 5.5rem; }
  label { display: inline-flex; gap: 0.35rem; align-items: center; margin-right: 0.9rem; }
  .row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0; margin: 0.4rem 0; }
  .grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
  .card { border: 1px solid #dcdfe4; border-radius: 8px; padding: 0.8rem 1rem; background: #fff; margin-bottom: 0.8rem; }
  .synthetic-badge { display: inline-block; background: #7a2e8e; color: #fff; font-weight: 700; letter-spacing: 0.06em; font-size: 0.75rem; padding: 0.1rem 0.45rem; border-radius: 4px; vertical-align: middle; }
  .muted { color: #5f6670; }
  .error { color: #a4161a; }
  .issues li { margin: 0.2rem 0; }
  .issues code { background: #f6e3e3; padding: 0 0.25rem; border-radius: 3px; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #e5e7eb; padding: 0.2rem 0.6rem; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  progress { width: 18rem; height: 0.9rem; }
  .empty { padding: 1rem; background: #f6f7f9; border-radius: 8px; }
`;
