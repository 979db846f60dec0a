// Records with every field, for tests under Node.js: give the fields that matter, the rest
// gets the value a catalog would leave it at (empty text and lists, `null` options).
// `encodeProjects([project({id: 'a', summary: [{lang: 'de', value: 'Kurz'}]})])`.

export const text = (lang, value) => ({ lang, value });

export const need = (fields = {}) => ({
  kind: 'technical', description: [], skills: [], hours_per_month: null, eur_per_year: null,
  priority: 'medium', since: null, supported_by: [], ...fields,
});

export const project = (fields = {}) => ({
  id: 'project', name: '', summary: [], description: [], status: 'idea', status_since: null,
  lifecycle: 'proposed', categories: [], software_type: null, complexity: null,
  technologies: [], origin: null, admitted_on: null,
  links: { homepage: null, source: null, info: null }, license: 'MIT', deployment: null,
  last_reviewed: null, ...fields, needs: (fields.needs ?? []).map(need),
});

export const partner = (fields = {}) => ({
  id: 'partner', name: '', kind: 'company', sectors: [], region: null, website: null, ...fields,
});

export const offer = (fields = {}) => ({
  id: 'offer', partner: 'partner', kind: 'technical', description: [], skills: [], topics: [],
  regions: [], remote: false, capacity: { projects: null, hours_per_month: null },
  budget_eur_per_year: null, license_requirement: null, valid_from: null, valid_until: null,
  ...fields,
});

export const city = (fields = {}) => ({
  name: 'Münster', ags: null, languages: ['de'], website: null, ...fields,
});
