/**
 * The plugin id shared by every Basalt package: routes live under
 * `/api/basalt`, config under `basalt`.
 *
 * @public
 */
export const BASALT_PLUGIN_ID = 'basalt';
