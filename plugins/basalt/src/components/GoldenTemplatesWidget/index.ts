export {
  GoldenTemplatesWidget,
  GOLDEN_TEMPLATE_TAG,
} from './GoldenTemplatesWidget';
