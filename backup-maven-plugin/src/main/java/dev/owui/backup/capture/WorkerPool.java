package dev.owui.backup.capture;

import dev.owui.backup.OwuiException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The threads of one run. Closing it stops and waits for every task, so nothing still writes into
 * a partial tree that is being removed after a failure.
 */
public final class WorkerPool implements AutoCloseable {
    private final ExecutorService pool;

    public WorkerPool(int threads) {
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "owui-store");
            th.setDaemon(true);
            return th;
        });
    }

    public <T> Future<T> submit(Callable<T> task) {
        return pool.submit(task);
    }

    public Future<?> submit(Runnable task) {
        return pool.submit(task);
    }

    /** Waits for a task; its failure becomes the caller's. */
    public static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("backup interrupted", null);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("storage threads did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
