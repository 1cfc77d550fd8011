// Ids in seed/default.json's Close section that tests refer to by name.
export const CLOSE = {
  user: 'user_78q2bc46mFKw99dj1wxBY0lSo4Gc3atZokJ1Lc5xFKW',
  acmeInc: 'lead_vOrP44Zl2o1zvLQSw9WlCIcAmcxQrFF72bJE3DBKN8K',
  incAcmeHoldings: 'lead_MqlERovujwB9P3MMSwIBOazY2apkEpPbVIDy6rNX68r',
  acmeCorp: 'lead_2SbZsXBM2oRtdN9CRJa8nyTqJLfuNeK3aZ4GFR7Zvxy',
  status: {
    potential: 'stat_UxBaUEmhT87GjwoJqQOkczGdow2orXOfreB2eo3znjv',
    qualified: 'stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8',
    customer: 'stat_WQzUQ0EcUYEqsLTdUuhfPNhcV9HOuXkPMzShNSHVArH',
  },
  discoveryCall: 'actitype_1j7JGYuyIOnHQvNeXkSW3uJFW3J0lhx9gR3yKiq3Gko',
  subscription: 'cotype_eCXEa9DfJKJDKrvdsCmOmk14dumV71oGBcK4hLsZHVS',
  field: {
    sourceDetail: 'cf_PQDXGgaG8Asq36qVrDPkRBgOyb61voZedM5rLhTdjIG',
    employees: 'cf_PBxKKkUAE5dzD0CMdQhDxXjFpK8WB9nUJQALN2EaWMw',
    renewal: 'cf_UVUYr9Z0juvUFniKDOSKMlYuZub71Me31IyxXLRCHdz',
    industry: 'cf_HS50hBrzSnEtwxlLXORnpz6flqMGuJaMIdIzYA0qyLM',
    products: 'cf_o22YJGjB8Gfcffr4jtgGrnQWVVJv87hc4ly0AhqOLpb',
    accountOwner: 'cf_FWlzSMK3FdWYRwfIkpGmMwV59N68xEMEvomiAemAc6g',
    department: 'cf_GmlCqfDcCGkWMd8kxGzwyQT8bavicTYWLTGIru8pxfe',
    languages: 'cf_72z57EV0KVKD2FW2DnI8THytTAO0VOV0OPM1JB49pT1',
    dealType: 'cf_rAziazmm9cNKKAiAPdHuTp21Ea7zhp6tn3DprSEYoJb',
    callOutcome: 'cf_NGsu0XmXtjBq8LEoQesiIx8r7ddf2U0QyRUCqECpjvd',
    plan: 'cf_vFziBbNkwLTOcH0IumcfmYEEC0aZbeuR7f7c8IISgdH',
    region: 'cf_euoh6SyePrE3kyJKFgcTP14Nm3TcQVqXxQg6vzuBbBv',
    tags: 'cf_DGdRhTTBfNrDQ853FScbmEFcdsTbjcq6warRzhCNwIO',
  },
} as const;

/** Close credentials: HTTP Basic with the key as username and an empty password. */
export const basic = (key = 'close-key') => ({ authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64') });

/** The seed documentation's example s_query: leads whose name has the full words "ACME Inc.". */
export const ACME_QUERY = {
  queries: [
    { object_type: 'lead', type: 'object_type' },
    { condition: { mode: 'full_words', type: 'text', value: 'ACME Inc.' }, field: { field_name: 'name', object_type: 'lead', type: 'regular_field' }, type: 'field_condition' },
  ],
  type: 'and',
};

/** s_query matching exactly the given lead ids. */
export const leadsQuery = (...ids: string[]) => ({
  type: 'and',
  queries: [
    { type: 'object_type', object_type: 'lead' },
    { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'id' }, condition: { type: 'term', values: ids } },
  ],
});
