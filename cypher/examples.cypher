// Example queries for analysts. Every read takes the libraries to search explicitly; ['*'] means all of them.

// A library and a document
CALL mnemo.library.create('runbooks', 'technical', {description: 'Operations runbooks'});
CALL mnemo.ingest('runbooks', '# Backups\n\nTake an online backup every night with neo4j-admin.', {title: 'Backups', source_ref: 'runbooks/backups.md'});

// Hybrid search, with the legs that found each chunk
CALL mnemo.search('how often do we back up', {libraries: ['*'], limit: 5})
YIELD item_title, chunk_index, score, sources, ranks, raw_scores, text_preview
RETURN item_title, chunk_index, round(score, 4) AS score, sources, ranks, text_preview;

// Only the vector leg, restricted to one library type
CALL mnemo.search('nightly snapshots', {libraries: ['*'], library_type: 'technical', search_types: ['vector']})
YIELD chunk_uid, score RETURN chunk_uid, score;

// Read a hit in full, with its neighbours
CALL mnemo.search('backup', {libraries: ['*'], limit: 1}) YIELD chunk_uid
CALL mnemo.chunk.context(chunk_uid, ['*'], {before: 1, after: 1}) YIELD offset, text
RETURN offset, text;

// The concepts around a concept
CALL mnemo.graph.neighbors('neo4j-admin', ['*'], {depth: 2, limit: 20})
YIELD kind, name, depth, weight RETURN kind, name, depth, weight;

// Which concepts co-occur most
MATCH (a:Concept)-[r:RELATED_TO]->(b:Concept)
RETURN a.name, b.name, r.weight ORDER BY r.weight DESC LIMIT 20;
