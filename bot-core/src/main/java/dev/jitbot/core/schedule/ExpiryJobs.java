package dev.jitbot.core.schedule;

import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.domain.RequestId;
import java.util.Objects;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Quartz jobs: thin shells that read a request id from their data map and call {@link ExpiryService}. */
final class ExpiryJobs {

    private static final Logger log = LoggerFactory.getLogger(ExpiryJobs.class);
    /** The data-map key holding the request id. */
    static final String REQUEST_ID = "requestId";

    private ExpiryJobs() {
    }

    /** What a job does, and the job group its keys live in. */
    enum Kind {
        EXPIRE("expire", ExpireGrantJob.class),
        LAPSE("lapse", LapseRequestJob.class);

        final String group;
        final Class<? extends Job> jobClass;

        Kind(String group, Class<? extends Job> jobClass) {
            this.group = group;
            this.jobClass = jobClass;
        }
    }

    private abstract static class Shell implements Job {
        final ExpiryService expiry;

        Shell(ExpiryService expiry) {
            this.expiry = expiry;
        }

        @Override
        public final void execute(JobExecutionContext context) throws JobExecutionException {
            String id = context.getMergedJobDataMap().getString(REQUEST_ID);
            try {
                run(new RequestId(id));
            } catch (RuntimeException e) {
                // The database or Azure failed underneath the core; the sweeper and start-up recovery try again.
                log.error("{} job for {} failed; the sweeper will act on it", context.getJobDetail().getKey().getGroup(),
                        id, e);
                throw new JobExecutionException(e, false);
            }
        }

        abstract void run(RequestId id);
    }

    /** Revokes a grant at its expiry. */
    @DisallowConcurrentExecution
    static final class ExpireGrantJob extends Shell {
        ExpireGrantJob(ExpiryService expiry) {
            super(expiry);
        }

        @Override
        void run(RequestId id) {
            expiry.expire(id);
        }
    }

    /** Lapses a request nobody decided in time. */
    @DisallowConcurrentExecution
    static final class LapseRequestJob extends Shell {
        LapseRequestJob(ExpiryService expiry) {
            super(expiry);
        }

        @Override
        void run(RequestId id) {
            expiry.lapse(id);
        }
    }

    /** The data-map key holding a periodic task's name. */
    static final String TASK = "task";
    /** The job group of periodic tasks (the scheduled scan and review). */
    static final String PERIODIC = "periodic";

    /**
     * A task that repeats (the scheduled scan, the review): runs what this process registered under its name. Not
     * concurrent: a slow scan is never overtaken by the next one.
     */
    @DisallowConcurrentExecution
    static final class PeriodicJob implements Job {
        private final String task;
        private final Runnable run;

        PeriodicJob(String task, Runnable run) {
            this.task = task;
            this.run = run;
        }

        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            if (run == null) {
                log.warn("periodic task {} fired but this process has nothing registered for it; skipped", task);
                return;
            }
            try {
                run.run();
            } catch (RuntimeException e) {
                // The next period tries again; one failed report must not unschedule the rest.
                log.error("periodic task {} failed; it runs again at its next time", task, e);
            }
        }
    }

    /** Builds the jobs around the bound {@link ExpiryService} and the registered periodic tasks. */
    static final class Factory implements JobFactory {
        private volatile ExpiryService expiry;
        private final java.util.Map<String, Runnable> periodic = new java.util.concurrent.ConcurrentHashMap<>();

        void register(String task, Runnable run) {
            periodic.put(task, Objects.requireNonNull(run, "run"));
        }

        void unregister(String task) {
            periodic.remove(task);
        }

        void bind(ExpiryService expiry) {
            this.expiry = Objects.requireNonNull(expiry, "expiry");
        }

        @Override
        public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
            ExpiryService service = expiry;
            if (service == null) {
                throw new SchedulerException("QuartzExpiryScheduler.bind(ExpiryService) was not called before start");
            }
            Class<? extends Job> type = bundle.getJobDetail().getJobClass();
            if (type == PeriodicJob.class) {
                String task = bundle.getJobDetail().getJobDataMap().getString(TASK);
                return new PeriodicJob(task, task == null ? null : periodic.get(task));
            }
            if (type == ExpireGrantJob.class) {
                return new ExpireGrantJob(service);
            }
            if (type == LapseRequestJob.class) {
                return new LapseRequestJob(service);
            }
            throw new SchedulerException("not a jitbot job: " + type.getName());
        }
    }
}
