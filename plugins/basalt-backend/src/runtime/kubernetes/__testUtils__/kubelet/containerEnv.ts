import { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import { SimulatedImage } from './images';
import { decodeBase64Values } from './podVolumes';

/** What a container's environment is worked out from. */
export interface EnvSources {
  pod: V1Pod;
  podIP: string;
  image: SimulatedImage;
  core: CoreV1Api;
}

/**
 * Expands `$(NAME)` references the way kubelet does for env values, command
 * and args: defined names are replaced, unknown ones stay as written, and
 * `$$` escapes a `$`.
 */
function expandVariables(
  input: string,
  vars: ReadonlyMap<string, string>,
): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i); // an unterminated reference stays as it is
        break;
      }
      const name = input.slice(i + 2, close);
      out += vars.get(name) ?? `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** The value of a `fieldRef` path a simulated kubelet can know. */
function fieldValue(fieldPath: string, sources: EnvSources): string {
  const { pod } = sources;
  const label = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (label) {
    const map =
      label[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[label[2]] ?? '';
  }
  const values: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': sources.podIP,
    'status.podIPs': sources.podIP,
    'status.hostIP': '127.0.0.1',
  };
  if (!(fieldPath in values)) {
    throw new Error(`fieldRef ${fieldPath} is not supported by the simulator`);
  }
  return values[fieldPath] ?? '';
}

type ObjectKind = 'Secret' | 'ConfigMap';

/** A Secret's or a ConfigMap's data (a Secret's decoded), by kind and name. */
type ObjectReader = (
  kind: ObjectKind,
  name: string,
) => Promise<Record<string, string>>;

/**
 * Reads the Secrets and ConfigMaps of the Pod's namespace, each at most
 * once: several keys of one object come from a single read.
 */
function objectReader(sources: EnvSources): ObjectReader {
  const namespace = sources.pod.metadata!.namespace!;
  const reads = new Map<string, Promise<Record<string, string>>>();
  return (kind, name) => {
    const id = `${kind}/${name}`;
    let read = reads.get(id);
    if (!read) {
      read =
        kind === 'Secret'
          ? sources.core
              .readNamespacedSecret({ name, namespace })
              .then(secret => {
                const data: Record<string, string> = {};
                const decoded = decodeBase64Values(secret.data);
                for (const [key, value] of Object.entries(decoded)) {
                  data[key] = value.toString('utf8');
                }
                return data;
              })
          : sources.core
              .readNamespacedConfigMap({ name, namespace })
              .then(map => map.data ?? {});
      reads.set(id, read);
    }
    return read;
  };
}

/** The Secret reference if there is one, else the ConfigMap one. */
function referenced<S, C>(
  secret: S | undefined,
  configMap: C | undefined,
): [ObjectKind, S | C] | undefined {
  if (secret) {
    return ['Secret', secret];
  }
  return configMap ? ['ConfigMap', configMap] : undefined;
}

/** Reads one key of a Secret or ConfigMap; `undefined` when optional and absent. */
async function readKey(
  read: ObjectReader,
  kind: ObjectKind,
  name: string,
  key: string,
  optional: boolean,
  namespace: string,
): Promise<string | undefined> {
  let value: string | undefined;
  try {
    value = (await read(kind, name))[key];
  } catch (error) {
    if (!optional) {
      throw new Error(`${kind} ${namespace}/${name}: ${String(error)}`);
    }
  }
  if (value === undefined && !optional) {
    throw new Error(`${kind} ${namespace}/${name} has no key ${key}`);
  }
  return value;
}

/**
 * Works out a container's environment as kubelet does: the image's PATH,
 * then `envFrom`, then `env` (later entries may refer to earlier ones with
 * `$(NAME)`), and HOME=/tmp unless set. Missing non-optional Secrets or
 * keys throw, which keeps the container from starting.
 */
export async function resolveContainerEnv(
  container: V1Container,
  sources: EnvSources,
): Promise<Map<string, string>> {
  const vars = new Map<string, string>();
  vars.set('PATH', sources.image.path.join(':'));
  const namespace = sources.pod.metadata!.namespace!;
  const read = objectReader(sources);
  for (const from of container.envFrom ?? []) {
    const source = referenced(from.secretRef, from.configMapRef);
    if (!source) {
      continue;
    }
    const [kind, ref] = source;
    const data = await read(kind, ref.name!).catch(error => {
      if (ref.optional) return {};
      throw error;
    });
    const prefix = from.prefix ?? '';
    for (const [key, value] of Object.entries(data)) {
      vars.set(prefix + key, value);
    }
  }
  for (const env of container.env ?? []) {
    const from = env.valueFrom;
    const keyRef = from && referenced(from.secretKeyRef, from.configMapKeyRef);
    let value: string | undefined;
    if (!from) {
      value = expandVariables(env.value ?? '', vars);
    } else if (keyRef) {
      const [kind, ref] = keyRef;
      value = await readKey(
        read,
        kind,
        ref.name!,
        ref.key,
        !!ref.optional,
        namespace,
      );
    } else if (from.fieldRef) {
      value = fieldValue(from.fieldRef.fieldPath, sources);
    } else {
      throw new Error(`env ${env.name}: this valueFrom is not supported`);
    }
    if (value !== undefined) {
      vars.set(env.name, value);
    }
  }
  if (!vars.has('HOME')) {
    vars.set('HOME', '/tmp');
  }
  return vars;
}

/** The command line kubelet would run: command + args, `$(VAR)` expanded. */
export function containerCommand(
  container: V1Container,
  env: ReadonlyMap<string, string>,
): string[] {
  if (!container.command?.length) {
    throw new Error(
      `container ${container.name} has no command: the simulator knows no image entrypoints`,
    );
  }
  return [...container.command, ...(container.args ?? [])].map(arg =>
    expandVariables(arg, env),
  );
}
