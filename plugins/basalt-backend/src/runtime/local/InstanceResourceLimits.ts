import { ConflictError } from '@backstage/errors';
import {
  ClusterKey,
  InstanceResources,
  ResourceEnforcement,
} from '@basalt/plugin-basalt-node';
import { EngineUser } from './engineUser';
import { throttleGroupName } from './InstanceVolumes';
import { ServerSpec } from './ProcessSupervisor';
import { sleep } from './processes';
import { resourceCapabilities } from './resources/capabilities';
import { ResourceLimits } from './resources/ResourceLimits';

/** What {@link InstanceResourceLimits} works with. */
export interface InstanceResourceLimitsOptions {
  user: EngineUser;
  /** The cpu and memory hierarchies' mount points; tests may replace them. */
  cpuRoot?: string;
  memoryRoot?: string;
}

/**
 * Instances' CPU and memory limits on the local runtime: each instance asked
 * for with resources runs in its own cgroup v1 cpu and memory groups, named
 * like its volume's throttle group, so a new backend finds them by name to
 * adopt (its running server stays in them) and to remove. The limits are
 * written when the server starts, so a running server keeps the ones it
 * started with and a changed class applies from its next start.
 */
export class InstanceResourceLimits {
  constructor(private readonly options: InstanceResourceLimitsOptions) {}

  /** Whether CPU and memory limits are enforced here, and if not, why. */
  enforcement(): Promise<ResourceEnforcement> {
    return resourceCapabilities();
  }

  /**
   * The server's command, started inside the instance's groups with
   * `resources` as their limits; unchanged without resources or where
   * limits cannot be enforced (the enforcement says so). The wrapper drops
   * to the engine user itself unless `spec` already does (a throttled
   * volume's wrapper, which it then wraps).
   */
  async wrapServer(
    cluster: ClusterKey,
    name: string,
    resources: InstanceResources | undefined,
    spec: ServerSpec,
  ): Promise<ServerSpec> {
    if (!resources || !(await this.enforcement()).enforced) return spec;
    const { user } = this.options;
    const limits = await this.limits(cluster, name);
    const wrapped = limits.wrapCommand(
      spec.program,
      spec.args,
      user.switched && !spec.switchesUser ? user : undefined,
    );
    return {
      ...spec,
      program: wrapped.file,
      args: wrapped.args,
      switchesUser: true,
      beforeStart: async () => {
        await spec.beforeStart?.();
        await limits.setLimits(resources);
      },
    };
  }

  /**
   * Removes the instance's groups; call it once the server is stopped.
   * Already gone (or never made) counts as done. The kernel refuses to
   * remove a group while processes are in it, and a server's last backends
   * may leave a moment after the postmaster: retried for a few seconds.
   */
  async remove(cluster: ClusterKey, name: string): Promise<void> {
    const limits = ResourceLimits.of(this.groupOptions(cluster, name));
    for (let attempt = 0; ; attempt++) {
      try {
        await limits.remove();
        return;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 50) throw error;
        await sleep(100);
      }
    }
  }

  private limits(cluster: ClusterKey, name: string): Promise<ResourceLimits> {
    return ResourceLimits.ensure(this.groupOptions(cluster, name));
  }

  private groupOptions(cluster: ClusterKey, name: string) {
    return {
      name: throttleGroupName(cluster, name),
      cpuRoot: this.options.cpuRoot,
      memoryRoot: this.options.memoryRoot,
    };
  }
}
