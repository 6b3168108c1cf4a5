namespace Prospector.Features.Dropbox;

public static class DropboxSetup
{
    public static IServiceCollection AddDropbox(this IServiceCollection s, IConfiguration config)
    {
        s.Configure<DropboxOptions>(config.GetSection("Dropbox"));
        s.AddSingleton<DropboxPoller>();
        s.AddHostedService(sp => sp.GetRequiredService<DropboxPoller>());
        s.AddScoped<DropboxIntake>();
        s.AddScoped<DropboxReview>();
        s.AddScoped<DropboxSecret>();
        return s;
    }
}
