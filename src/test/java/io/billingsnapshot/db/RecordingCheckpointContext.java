package io.billingsnapshot.db;

import java.util.ArrayList;
import java.util.List;
import org.crac.CheckpointException;
import org.crac.Context;
import org.crac.Resource;
import org.crac.RestoreException;

/**
 * A CRaC context that does what the runtime does around a SnapStart snapshot: it keeps the
 * registered resources and calls their hooks. (Without a CRaC JVM, org.crac's global context
 * drops registrations, so a test could not see whether anything was registered.)
 */
final class RecordingCheckpointContext extends Context<Resource> {

    private final List<Resource> resources = new ArrayList<>();

    @Override
    public void register(Resource resource) {
        resources.add(resource);
    }

    List<Resource> registered() {
        return List.copyOf(resources);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
        for (Resource resource : resources) {
            try {
                resource.beforeCheckpoint(this);
            } catch (Exception e) {
                CheckpointException failure = new CheckpointException(e.toString());
                failure.addSuppressed(e);
                throw failure;
            }
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) throws RestoreException {
        for (Resource resource : resources) {
            try {
                resource.afterRestore(this);
            } catch (Exception e) {
                RestoreException failure = new RestoreException(e.toString());
                failure.addSuppressed(e);
                throw failure;
            }
        }
    }
}
