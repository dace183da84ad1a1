package io.billingsnapshot.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.crac.CheckpointException;
import org.crac.Context;
import org.crac.Resource;
import org.crac.RestoreException;

/**
 * A CRaC context that does what the runtime does around a SnapStart snapshot: it keeps the
 * registered resources and calls their hooks, the last registered first before the snapshot and
 * in registration order after the restore. (Without a CRaC JVM, org.crac's global context drops
 * registrations, so a test could not see whether anything was registered.)
 */
public final class RecordingCheckpointContext extends Context<Resource> {

    private final List<Resource> resources = new ArrayList<>();

    @Override
    public void register(Resource resource) {
        resources.add(resource);
    }

    public List<Resource> registered() {
        return List.copyOf(resources);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
        List<Resource> lastFirst = new ArrayList<>(resources);
        Collections.reverse(lastFirst);
        for (Resource resource : lastFirst) {
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
