package org.mnemo.gateway.rest;

import java.util.Map;
import org.mnemo.gateway.auth.Caller;
import org.mnemo.gateway.client.MnemoClient;

/** Who may change a library (and what is in it): its owner, or whoever holds its workspace as owner. */
final class LibraryAccess {
    private LibraryAccess() {}

    static boolean mayModify(MnemoClient client, Caller caller, Map<String, Object> library) {
        if (caller.kind() != Caller.Kind.TOKEN) {
            return false;
        }
        if (caller.owns((String) library.get("owner"))) {
            return true;
        }
        String workspace = (String) library.get("workspace_id");
        return workspace != null && caller.holdsWorkspaces() && "owner".equals(client.role(caller.owner(), workspace));
    }
}
