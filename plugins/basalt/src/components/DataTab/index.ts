export { DataTab } from './DataTab';
