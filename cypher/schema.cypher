// Mnemo's schema. Apply it with the procedure, which also checks the vector dimension against the configured
// embedder and waits for the indexes to come online:
//
//   CALL mnemo.schema.apply();
//   CALL mnemo.schema.status();
//
// What it creates (384 = all-MiniLM-L6-v2; the procedure uses the configured embedder's dimension, and
// mnemo.search.fulltext_analyzer for the prose indexes). CypherFilesTest keeps this file equal to what it creates.
CREATE CONSTRAINT mnemo_library_uid IF NOT EXISTS FOR (n:Library) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT mnemo_library_name IF NOT EXISTS FOR (n:Library) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT mnemo_library_workspace_id IF NOT EXISTS FOR (n:Library) REQUIRE n.workspace_id IS UNIQUE;
CREATE CONSTRAINT mnemo_library_type_name IF NOT EXISTS FOR (n:LibraryType) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT mnemo_collection_uid IF NOT EXISTS FOR (n:Collection) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT mnemo_item_uid IF NOT EXISTS FOR (n:Item) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT mnemo_chunk_uid IF NOT EXISTS FOR (n:Chunk) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT mnemo_concept_uid IF NOT EXISTS FOR (n:Concept) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT mnemo_concept_name_key IF NOT EXISTS FOR (n:Concept) REQUIRE n.name_key IS UNIQUE;
// The gateway's principals, tokens (SHA-256 only), teams and team-JWT signing keys.
CREATE CONSTRAINT mnemo_principal_id IF NOT EXISTS FOR (n:Principal) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mnemo_api_token_id IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mnemo_api_token_hash IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.hash IS UNIQUE;
CREATE CONSTRAINT mnemo_team_id IF NOT EXISTS FOR (n:Team) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mnemo_signing_key_kid IF NOT EXISTS FOR (n:SigningKey) REQUIRE n.kid IS UNIQUE;
// Durable ingest jobs.
CREATE CONSTRAINT mnemo_ingest_job_id IF NOT EXISTS FOR (n:IngestJob) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mnemo_ingest_job_key IF NOT EXISTS FOR (n:IngestJob) REQUIRE n.job_key IS UNIQUE;
// Agent memory: the workspace tree and the memories.
CREATE CONSTRAINT mnemo_workspace_id IF NOT EXISTS FOR (n:Workspace) REQUIRE n.id IS UNIQUE;
// A memory's id is unique within its namespace (key = namespace|id), not across tenants.
CREATE CONSTRAINT mnemo_memory_key IF NOT EXISTS FOR (n:Memory) REQUIRE n.key IS UNIQUE;
// Projects: ids and aliases are unique case-insensitively through one ProjectName per lower-cased name.
CREATE CONSTRAINT mnemo_project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mnemo_project_name_key IF NOT EXISTS FOR (n:ProjectName) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT mnemo_project_state_active_key IF NOT EXISTS FOR (n:ProjectState) REQUIRE n.active_key IS UNIQUE;
CREATE INDEX mnemo_project_owner IF NOT EXISTS FOR (n:Project) ON (n.owner);
// The context engine's packs and interactions, by id and by the principal they belong to.
CREATE CONSTRAINT mnemo_context_pack_id IF NOT EXISTS FOR (n:ContextPack) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mnemo_interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE;
CREATE INDEX mnemo_context_pack_owner IF NOT EXISTS FOR (n:ContextPack) ON (n.owner);
CREATE INDEX mnemo_interaction_owner IF NOT EXISTS FOR (n:Interaction) ON (n.owner);
CREATE INDEX mnemo_item_source_ref IF NOT EXISTS FOR (n:Item) ON (n.source_ref);
CREATE INDEX mnemo_item_content_hash IF NOT EXISTS FOR (n:Item) ON (n.content_hash);
CREATE INDEX mnemo_ingest_job_status IF NOT EXISTS FOR (n:IngestJob) ON (n.status);
CREATE INDEX mnemo_ingest_job_owner IF NOT EXISTS FOR (n:IngestJob) ON (n.owner);
// The grant model walks the workspace tree down from what a service manages.
CREATE INDEX mnemo_workspace_parent IF NOT EXISTS FOR (n:Workspace) ON (n.parent_id);
CREATE INDEX mnemo_workspace_manager IF NOT EXISTS FOR (n:Workspace) ON (n.manager);
CREATE INDEX mnemo_memory_namespace IF NOT EXISTS FOR (n:Memory) ON (n.namespace);
CREATE INDEX mnemo_memory_id_lookup IF NOT EXISTS FOR (n:Memory) ON (n.id);
CREATE FULLTEXT INDEX mnemo_memory_content IF NOT EXISTS FOR (n:Memory) ON EACH [n.content]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CREATE FULLTEXT INDEX mnemo_chunk_text IF NOT EXISTS FOR (n:Chunk) ON EACH [n.text, n.library_key]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CREATE FULLTEXT INDEX mnemo_concept_name IF NOT EXISTS FOR (n:Concept) ON EACH [n.name];
CREATE FULLTEXT INDEX mnemo_item_title IF NOT EXISTS FOR (n:Item) ON EACH [n.title]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CREATE FULLTEXT INDEX mnemo_library_name IF NOT EXISTS FOR (n:Library) ON EACH [n.name];
CREATE VECTOR INDEX mnemo_chunk_embedding IF NOT EXISTS FOR (n:Chunk) ON (n.embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};
CREATE VECTOR INDEX mnemo_concept_embedding IF NOT EXISTS FOR (n:Concept) ON (n.embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};
CREATE VECTOR INDEX mnemo_memory_embedding IF NOT EXISTS FOR (n:Memory) ON (n.embedding)
  OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};
