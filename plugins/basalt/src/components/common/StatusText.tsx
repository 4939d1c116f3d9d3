import { Text } from '@backstage/ui';
import { ReactNode } from 'react';
import { Tone } from './describe';

/** Bold text in a status colour; the words carry the meaning, not the colour. */
export function StatusText(props: { tone: Tone; children: ReactNode }) {
  return (
    <Text weight="bold" color={props.tone}>
      {props.children}
    </Text>
  );
}
