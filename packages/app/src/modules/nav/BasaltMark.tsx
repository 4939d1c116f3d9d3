/**
 * Basalt's mark: three hexagonal columns, as basalt cools into.
 */
export const BasaltMark = ({ size = 30 }: { size?: number }) => (
  <svg
    width={size}
    height={size}
    viewBox="0 0 32 32"
    xmlns="http://www.w3.org/2000/svg"
    aria-hidden="true"
  >
    <g fill="#7df3e1">
      <path d="M2 12l4-2.5 4 2.5v16H2z" opacity="0.7" />
      <path d="M12 6l4-2.5 4 2.5v22h-8z" />
      <path d="M22 10l4-2.5 4 2.5v18h-8z" opacity="0.85" />
    </g>
  </svg>
);
