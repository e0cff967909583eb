package org.mnemo.gateway.rest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;
import org.mnemo.gateway.web.ApiError;

/** Who may change a library (and what is in it): its owner, or whoever holds its workspace as owner. */
final class LibraryAccess {
    private static final List<String> ANY = List.of("*");

    private LibraryAccess() {}

    /**
     * A workspace's library as the caller finds it: among the libraries it reads or, for its principal's full
     * token (whose allowed_libraries bound only what it reads), one it may change.
     */
    static Optional<Rows.Library> workspaceLibrary(MnemoClient client, Caller caller, String workspaceId) {
        Optional<Rows.Library> visible =
                client.libraryList(caller.libraries(), Map.of("workspace_id", workspaceId, "limit", 1)).stream()
                        .findFirst();
        if (visible.isPresent() || !caller.full()) {
            return visible;
        }
        return client.libraryList(ANY, Map.of("workspace_id", workspaceId, "limit", 1)).stream()
                .findFirst()
                .filter(library -> mayModify(client, caller, library));
    }

    /** A library by uid, found the same way. */
    static Optional<Rows.Library> library(MnemoClient client, Caller caller, String uid) {
        Rows.Library visible = client.libraryGet(uid, caller.libraries());
        if (visible != null || !caller.full()) {
            return Optional.ofNullable(visible);
        }
        return Optional.ofNullable(client.libraryGet(uid, ANY)).filter(library -> mayModify(client, caller, library));
    }

    /**
     * The collection_uid a job names, checked before the job exists (a job that can only fail would keep its
     * upload's bytes): it must be a collection of the job's library. Foreign and missing collections get the same
     * answer.
     */
    static String collectionOf(MnemoClient client, Rows.Library library, String collectionUid) {
        if (collectionUid != null) {
            Rows.Collection collection = client.collectionGet(collectionUid, List.of(library.uid()));
            if (collection == null || !library.uid().equals(collection.library_uid())) {
                throw new ApiError(
                        422,
                        "invalid_field",
                        "'collection_uid' '" + collectionUid + "' is not a collection of library '" + library.name()
                                + "'");
            }
        }
        return collectionUid;
    }

    static boolean mayModify(MnemoClient client, Caller caller, Rows.Library library) {
        if (caller.kind() != Caller.Kind.TOKEN) {
            return false;
        }
        if (caller.owns(library.owner())) {
            return true;
        }
        String workspace = library.workspace_id();
        return workspace != null && caller.holdsWorkspaces() && "owner".equals(client.role(caller.owner(), workspace));
    }
}
