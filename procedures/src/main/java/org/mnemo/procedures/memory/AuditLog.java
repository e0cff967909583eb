package org.mnemo.procedures.memory;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Where a failed org-namespace audit write is reported (it never blocks the memory write itself). */
final class AuditLog {
    private static final Logger LOG = Logger.getLogger("org.mnemo.memory.audit");

    private AuditLog() {}

    static void failed(String namespace, String memoryId, RuntimeException e) {
        LOG.log(Level.WARNING, "audit record for memory " + memoryId + " in " + namespace + " failed", e);
    }
}
