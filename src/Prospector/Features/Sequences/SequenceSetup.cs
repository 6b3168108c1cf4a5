namespace Prospector.Features.Sequences;

public static class SequenceSetup
{
    public static IServiceCollection AddSequences(this IServiceCollection s, IConfiguration config)
    {
        s.Configure<SequenceOptions>(config.GetSection("Sequences"));
        s.AddScoped<SequenceAdmin>();
        s.AddScoped<Enrolments>();
        // The seam to the e-mail feature: ProspectorHost registers Hosting/SequenceMail (templates sent through MailService).
        s.AddSingleton<SequenceRunner>();
        s.AddHostedService(sp => sp.GetRequiredService<SequenceRunner>());
        return s;
    }
}
