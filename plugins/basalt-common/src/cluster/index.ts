export * from './conditions';
export * from './status';
export * from './resource';
