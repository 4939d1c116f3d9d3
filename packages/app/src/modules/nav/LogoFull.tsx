import { BasaltMark } from './BasaltMark';

export const LogoFull = () => (
  <span
    style={{
      display: 'inline-flex',
      alignItems: 'center',
      gap: 10,
      color: '#7df3e1',
      fontSize: 26,
      fontWeight: 700,
      letterSpacing: 0.5,
    }}
  >
    <BasaltMark />
    Basalt
  </span>
);
