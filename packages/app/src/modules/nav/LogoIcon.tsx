import { BasaltMark } from './BasaltMark';

export const LogoIcon = () => <BasaltMark size={28} />;
