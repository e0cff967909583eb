"""Daedalus' flow through a Python client generated from Mnemo's OpenAPI document, nothing hand-written: create a
workspace library, ingest a file from S3, poll the job, upload a document, search with a per-turn JWT, delete the
workspace. Prints one JSON line of what it saw (rest/OpenApiToolsTest checks it).

usage: daedalus_flow.py BASE_URL TOKEN TURN_JWT WORKSPACE S3_KEY FILE_SIZE CONTENT_HASH
"""
import json
import sys
import time

import mnemo_client
from mnemo_client.api.ingest_api import IngestApi
from mnemo_client.api.items_api import ItemsApi
from mnemo_client.api.libraries_api import LibrariesApi
from mnemo_client.api.search_api import SearchApi
from mnemo_client.exceptions import ApiException
from mnemo_client.models.error import Error
from mnemo_client.models.ingest_request import IngestRequest
from mnemo_client.models.search_request import SearchRequest
from mnemo_client.models.upload import Upload
from mnemo_client.models.workspace_request import WorkspaceRequest


def client(base, token):
    return mnemo_client.ApiClient(mnemo_client.Configuration(host=base, access_token=token))


def main(base, token, turn_jwt, workspace, s3_key, file_size, content_hash):
    service = client(base, token)
    libraries = LibrariesApi(service)
    jobs = IngestApi(service)

    created = libraries.post_library_api_workspaces(WorkspaceRequest(
        workspace_id=workspace, name="Harbour project", library_type="technical"))

    job = jobs.post_library_api_ingest(IngestRequest(
        s3_key=s3_key, workspace_id=workspace, title="Quay wall survey", file_type="text/markdown",
        file_size=int(file_size), content_hash=content_hash))
    submitted = job.status
    deadline = time.time() + 60
    while job.status in ("queued", "processing") and time.time() < deadline:
        time.sleep(0.2)
        job = jobs.get_library_api_jobs_id(job.id)

    uploaded = ItemsApi(service).post_library_api_items(Upload(
        library_uid=created.library_uid, title="Berth plan",
        text="Berth seven takes the container feeders on Tuesdays."))

    # Agents search with per-turn JWTs naming the workspace.
    results = SearchApi(client(base, turn_jwt)).post_library_api_search(SearchRequest(query="quay wall scour"))

    libraries.delete_library_api_workspaces_id(workspace)
    try:
        libraries.get_library_api_workspaces_id(workspace)
        after_delete = "still there"
    except ApiException as e:
        after_delete = "%d %s" % (e.status, Error.from_json(e.body).code)

    print(json.dumps({
        "library_uid": created.library_uid,
        "library_type": created.library_type,
        "submitted": submitted,
        "job_status": job.status,
        "job_completed_at": job.completed_at.isoformat() if job.completed_at else None,
        "job_item": job.item_uid,
        "upload_status": uploaded.status,
        "upload_chunks": uploaded.chunk_count,
        "top_title": results.candidates[0].item_title if results.candidates else None,
        "top_score": results.candidates[0].score if results.candidates else None,
        "after_delete": after_delete,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:8])
