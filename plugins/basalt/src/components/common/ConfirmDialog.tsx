import {
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
  TextField,
} from '@backstage/ui';
import { ReactNode, useState } from 'react';

/**
 * Asks before a disruptive operation. With `typeToConfirm` the user must
 * type that word (the database's name) before the action is enabled, as
 * for deletions that cannot be undone. `fields` are choices the operation
 * takes, shown below the explanation (which is text only);
 * `confirmDisabled` holds the action back while they are not valid.
 */
export function ConfirmDialog(props: {
  isOpen: boolean;
  title: string;
  children: ReactNode;
  fields?: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  typeToConfirm?: string;
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const [typed, setTyped] = useState('');
  const confirmed = !props.typeToConfirm || typed === props.typeToConfirm;
  const close = () => {
    setTyped('');
    props.onCancel();
  };
  return (
    <Dialog
      isOpen={props.isOpen}
      onOpenChange={open => !open && close()}
      width={480}
    >
      <DialogHeader>{props.title}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text>{props.children}</Text>
          {props.fields}
          {props.typeToConfirm && (
            <TextField
              label={`Type ${props.typeToConfirm} to confirm`}
              value={typed}
              onChange={setTyped}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
        <Button
          variant="primary"
          destructive={props.destructive}
          isDisabled={!confirmed || props.confirmDisabled}
          onPress={() => {
            setTyped('');
            props.onConfirm();
          }}
        >
          {props.confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
