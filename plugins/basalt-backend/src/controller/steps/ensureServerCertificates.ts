import { EngineContext } from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';

/**
 * Has every ready instance present the cluster's current server
 * certificate, so one renewed before its expiry reaches running instances
 * (new ones are created with it). `ctx.servedCertificates` remembers,
 * across passes, the certificate each instance was last seen with, so an
 * instance is asked again only after a renewal or a restart of the backend.
 * An instance that cannot take it now (e.g. its volume is full) is logged
 * and asked again next pass; it does not stop the reconcile, as the old
 * certificate stays valid for weeks.
 */
export async function ensureServerCertificates(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<void> {
  const certificate = engine.credentials.tls?.certificate;
  const ensure = ctx.driver.ensureServerCertificate?.bind(ctx.driver);
  if (!certificate || !ensure) return;
  for (const { instance, probe } of observed) {
    const key = `${ctx.key.uid}/${instance.name}`;
    if (!probe.ready || ctx.servedCertificates.get(key) === certificate) {
      continue;
    }
    let changed: boolean;
    try {
      changed = await ensure(instance.address, engine);
    } catch (error) {
      ctx.logger.warn(
        `Could not give ${instance.name} the current server certificate; retrying next pass`,
        error as Error,
      );
      continue;
    }
    if (changed) {
      await ctx.recordEvent(
        'Normal',
        'CertificateRenewed',
        `${instance.name} presents the renewed server certificate`,
      );
    }
    ctx.servedCertificates.set(key, certificate);
  }
}
