namespace Prospector.Features.Webhooks;

public static class WebhookSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection s, IConfiguration config)
    {
        s.Configure<WebhookOptions>(config.GetSection("Webhooks"));
        s.AddSingleton<IWebhookDns, SystemWebhookDns>();
        s.AddSingleton<WebhookTargetGuard>();
        s.AddSingleton<WebhookDispatcher>();
        s.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        s.AddScoped<WebhookAdmin>();
        return s;
    }
}
