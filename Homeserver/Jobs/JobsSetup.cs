using Quartz;

namespace Messenger.Homeserver.Jobs;

/// <summary>Background and scheduled work, on Quartz (in memory now; clustered on PostgreSQL when processes scale out).</summary>
public static class JobsSetup
{
    public static IServiceCollection AddHomeserverJobs(this IServiceCollection services)
    {
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<ExpiredSessionsCleanupJob>(job => job.WithIdentity(ExpiredSessionsCleanupJob.Key));
            quartz.AddTrigger(trigger => trigger
                .ForJob(ExpiredSessionsCleanupJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(5))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()));
            quartz.AddJob<ExpiredMediaIdsCleanupJob>(job => job.WithIdentity(ExpiredMediaIdsCleanupJob.Key));
            quartz.AddTrigger(trigger => trigger
                .ForJob(ExpiredMediaIdsCleanupJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(5))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()));
            quartz.AddJob<RemoteMediaEvictionJob>(job => job.WithIdentity(RemoteMediaEvictionJob.Key));
            quartz.AddTrigger(trigger => trigger
                .ForJob(RemoteMediaEvictionJob.Key)
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(10))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()));
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
