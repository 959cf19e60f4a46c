// The modeler's `translate` service: Chinese (zh-CN.js) unless the page is in English (html lang, the user's choice).
import zhCN from './zh-CN';

const CATALOGUES = { zh: zhCN };

export function translator(locale) {
  const catalogue = CATALOGUES[(locale || 'zh').toLowerCase().split('-')[0]] || null;
  return function translate(template, replacements) {
    const text = (catalogue && catalogue[template]) || template;
    return text.replace(/{([^}]+)}/g, (match, key) => (replacements && key in replacements ? replacements[key] : match));
  };
}

export default function translateModule(locale) {
  return { translate: [ 'value', translator(locale) ] };
}
