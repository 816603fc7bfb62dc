// Jest setup file of the "fetch" project: the protocol suites serve RagbitsAPI through `api.fetch`.
process.env.RAGBITS_TEST_ADAPTER = "fetch";
