using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using Prospector.Components;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Calendar;
using Prospector.Features.Companies;
using Prospector.Features.Contacts;
using Prospector.Features.Conversations;
using Prospector.Features.Forms;
using Prospector.Features.Lists;
using Prospector.Features.NextActions;
using Prospector.Features.Pipelines;
using Prospector.Features.Qualification;
using Prospector.Features.Reminders;
using Prospector.Features.Reports;
using Prospector.Features.Search;
using Prospector.Features.Settings;

namespace Prospector.Hosting;

/// <summary>Composition of the web app: services and the request pipeline.</summary>
public static class ProspectorHost
{
    /// <summary>UI languages.</summary>
    public static readonly string[] Cultures = ["en", "de", "nl"];

    /// <summary>Formatting culture per UI language: European dates and numbers also for English.</summary>
    public static string FormatCulture(string language) => language switch { "de" => "de-DE", "nl" => "nl-NL", _ => "en-GB" };

    private static readonly string[] FormatCultures = ["en-GB", "en-US", "en-IE", "de-DE", "de-AT", "de-CH", "nl-NL", "nl-BE", "en", "de", "nl"];

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The app's own folder is the content root (wwwroot, appsettings.json), not the working directory: a service
        // started elsewhere (systemd, `cd /var/lib/prospector && /opt/prospector/prospector`) would otherwise serve
        // every CSS and JS file empty. An explicit --contentRoot or ASPNETCORE_CONTENTROOT still wins.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot(args) });
        // Serve wwwroot and package assets straight from a build (`dotnet run`) too, not only from a publish.
        builder.WebHost.UseStaticWebAssets();
        // Quiet defaults; appsettings.json or Logging__LogLevel__* in the environment still override them.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning)
            // A failed connection or command throws, and is reported once where it is caught (the CLI's one line, the
            // server's unhandled-exception log); EF's own copy of it would be a second report.
            .AddFilter("Microsoft.EntityFrameworkCore.Database", LogLevel.Critical)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning)
            // Start-up failures are printed as one line by the CLI; the host's own stack trace is noise there.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical)
            // Keys live in the database of a self-hosted install; that is the protection boundary.
            .AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        // Logs go to stderr: a CLI verb's stdout carries only its output (`report --format svg > chart.svg`), and a
        // service manager collects stderr as it does stdout.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        configure?.Invoke(builder);
        var config = builder.Configuration;
        var s = builder.Services;

        s.AddSingleton(TimeProvider.System);
        s.AddHttpContextAccessor();
        s.AddScoped<CurrentUserHolder>();
        s.AddScoped<Prospector.Features.Common.CallReturns>();
        s.AddScoped<IAuditActor, HttpAuditActor>();
        // Options built once (not per request); AuthCache hears of every write to the tables it caches answers from.
        s.AddDbContext<ProspectorDb>((sp, o) => DatabaseSetup.Configure(o, config).AddInterceptors(
            sp.GetRequiredService<AuthCache>().Invalidator, sp.GetRequiredService<AuthCache>().CommitWatcher),
            ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        // First of all hosted services: the data-protection key ring and everything else read migrated tables.
        s.Insert(0, ServiceDescriptor.Singleton<IHostedService, DatabaseInitializer>());
        // Keys in the database: a sign-in cookie stays valid on every instance and across restarts.
        s.AddDataProtection().SetApplicationName("Prospector").PersistKeysToDbContext<ProspectorDb>();
        s.AddProspectorAuth();
        // Other instances on the same PostgreSQL hear of changes to who may do what (NOTIFY/LISTEN; docs/decisions/0015).
        s.AddSingleton<AuthChangeSignal>();
        s.AddSingleton<IAuthChangeSignal>(sp => sp.GetRequiredService<AuthChangeSignal>());
        s.AddHostedService(sp => sp.GetRequiredService<AuthChangeSignal>());
        s.AddScoped<RecordAccess>();
        s.AddScoped<Lifecycle>();
        s.AddScoped<ImportEngine>();
        s.AddScoped<ListWork>();
        s.Configure<ImportOptions>(config.GetSection("Import"));
        s.AddSingleton<RecontactService>();
        s.AddHostedService(sp => sp.GetRequiredService<RecontactService>());
        s.AddScoped<Opportunities>();
        s.AddScoped<OpportunityService>();
        s.AddScoped<PipelineSetup>();
        s.AddScoped<NextActions>();
        s.AddScoped<Prospector.Features.Contacts.ContactService>();
        s.AddScoped<Prospector.Features.Companies.CompanyService>();
        s.AddScoped<Prospector.Features.Conversations.ConversationService>();
        s.AddScoped<CurrentAction>();
        s.AddScoped<Qualifications>();
        s.AddScoped<QualificationConfig>();
        s.AddScoped<ReminderInbox>();
        s.AddScoped<IItemCloser, ContactCloser>();
        s.AddScoped<IItemCloser, OpportunityCloser>();
        s.AddScoped<Prospector.Features.Settings.WorkspaceService>();
        s.AddScoped<ReportService>();
        s.AddScoped<ReportExporter>();
        s.AddScoped<Prospector.Features.Audit.SecurityLog>();
        s.AddScoped<Prospector.Features.Privacy.PersonalDataExport>();
        s.AddScoped<Prospector.Features.Privacy.Erasure>();
        s.AddScoped<Prospector.Features.Operations.RetentionService>();
        s.AddScoped<Prospector.Features.Operations.ScheduledBackups>();
        s.Configure<Prospector.Features.Operations.BackupOptions>(config.GetSection("Backup"));
        s.AddSingleton<Prospector.Features.Operations.OperationsScheduler>();
        s.AddHostedService(sp => sp.GetRequiredService<Prospector.Features.Operations.OperationsScheduler>());
        s.AddScoped<TeamAdmin>();
        s.AddScoped<BookHandOver>();
        s.AddScoped<PasswordReset>();
        s.AddScoped<CheckIns>();
        s.AddScoped<Prospector.Features.Sources.SourceAdmin>();
        s.AddScoped<Prospector.Features.CreditChecks.CreditCheckService>();
        s.AddScoped<Renewals>();
        s.Configure<SmtpOptions>(config.GetSection("Smtp"));
        s.Configure<ReminderOptions>(config.GetSection("Reminders"));
        s.AddSingleton<ReminderMail>();
        s.AddSingleton<ReminderTexts>();
        s.AddSingleton<Prospector.Features.Common.Notifications>();
        s.AddScoped<ReminderPlanner>();
        s.AddSingleton<ReminderDispatcher>();
        s.AddHostedService(sp => sp.GetRequiredService<ReminderDispatcher>());
        s.AddWebForms(config);
        Prospector.Features.Mail.PublicUnsubscribe.AddMail(s);
        Prospector.Features.Webhooks.WebhookSetup.AddWebhooks(s, config);
        Prospector.Features.Dropbox.DropboxSetup.AddDropbox(s, config);
        Prospector.Features.Sequences.SequenceSetup.AddSequences(s, config);
        s.AddScoped<Prospector.Features.Sequences.ISequenceMailer, SequenceMail>();
        s.AddScoped<Prospector.Features.Conversations.IReportedConversations, ReportedConversations>();
        s.AddScoped<Prospector.Features.Webhooks.IWebhookPauseNotice, WebhookPauseMail>();

        s.AddProspectorForwardedHeaders(config);
        // Titles in the request's language (Accept-Language or the language cookie).
        s.AddProblemDetails(o => o.CustomizeProblemDetails = Prospector.Features.Common.ProblemTitles.Localize);
        s.AddExceptionHandler<ProblemExceptionHandler>();
        s.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            // A field named twice in a typed body is a client mistake (400), not "the last one wins".
            o.SerializerOptions.AllowDuplicateProperties = false;
            // A field the body's record does not have is a mistake to name (400), not something to drop silently.
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        // Binding failures reach ProblemExceptionHandler, which names the field (instead of a bare "Bad Request").
        s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        s.AddOpenApi(OpenApiDocs.Configure);
        s.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        s.AddLocalization(o => o.ResourcesPath = "Resources");
        s.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture("en-GB").AddSupportedCultures(FormatCultures).AddSupportedUICultures(Cultures);
            o.DefaultRequestCulture = new RequestCulture("en-GB", "en");
            // The user's own choice (cookie) first, then the browser's languages.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        s.AddRazorComponents().AddInteractiveServerComponents();
        s.AddCascadingAuthenticationState();
        s.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthState>();
        s.AddMudServices();
        // MudBlazor's texts (pager, pickers) in the user's language, from our resources.
        s.AddLocalizationInterceptor<Prospector.Components.Shared.MudStrings>();

        var app = builder.Build();
        // After Build: configuration added by hosts such as the test factory is only complete now.
        DatabaseSetup.EnsureDataDirWritable(app.Configuration);
        // A mistyped proxy address stops the start-up now, with one line, not at the first request.
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
        Configure(app);
        return app;
    }

    /// <summary>The folder of the executable unless the operator named one (argument or environment).</summary>
    internal static string? ContentRoot(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase) || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"))
            ? null
            : AppContext.BaseDirectory;

    private static void Configure(WebApplication app)
    {
        app.UseForwardedHeaders();
        // CSP, nosniff, referrer policy and no-store on every answer, error pages included (docs/decisions/0010).
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // A state-changing browser request from a page of another origin is refused before anything else runs.
        app.UseCrossOriginGuard();
        app.UseRequestLocalization();
        app.UseNulGuard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTwoFactorGate(); // a workspace that requires two-factor: cookie users without it set it up first
        // A query parameter an API endpoint does not take is a 400 naming it (after 401/403, before any handler).
        app.UseQueryGuard();
        app.UseAntiforgery();
        app.UseRateLimiter();

        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();

        app.MapAccountEndpoints();
        app.MapCalendarFile();
        app.MapWebForms();
        Prospector.Features.Mail.PublicUnsubscribe.MapUnsubscribe(app);
        // Every API endpoint sits under one parent group; each feature maps its own routes relative to it.
        var api = app.MapGroup("/api/v1");
        api.MapContactsApi();
        api.MapQualificationApi();
        api.MapCompaniesApi();
        api.MapSettingsApi();
        api.MapTeamsApi();
        Prospector.Features.Webhooks.WebhooksApi.MapWebhooksApi(api);
        Prospector.Features.Dropbox.DropboxApi.MapDropboxApi(api);
        Prospector.Features.Sequences.SequencesApi.MapSequencesApi(api);
        Prospector.Features.Sources.SourcesApi.MapSourcesApi(api);
        api.MapPipelinesApi();
        api.MapOpportunitiesApi();
        Prospector.Features.CreditChecks.CreditChecksApi.MapCreditChecksApi(api);
        api.MapTasksApi();
        api.MapCheckInsApi();
        api.MapRemindersApi();
        api.MapCalendarFeed();
        api.MapActivitiesApi();
        api.MapSearchApi();
        api.MapListsApi();
        api.MapImportsApi();
        api.MapReportsApi();
        Prospector.Features.Privacy.PrivacyApi.MapPrivacyApi(api);
        Prospector.Features.Operations.RetentionApi.MapRetentionApi(api);
        Prospector.Features.Auth.SecurityEventsApi.MapSecurityEventsApi(api);
        api.MapFormsApi();
        Prospector.Features.Mail.MailApi.MapMailApi(api);

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}

/// <summary>The signed-in user, for the audit trail.</summary>
internal sealed class HttpAuditActor(IHttpContextAccessor http, CurrentUserHolder holder) : IAuditActor
{
    private ClaimsPrincipal? User => holder.User ?? http.HttpContext?.User;
    public long? UserId => long.TryParse(User?.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    public string? UserName => User?.FindFirstValue(ClaimTypes.Name);
}

/// <summary>
/// Blazor circuits have no HttpContext: the interactive components put the signed-in user here so
/// the audit trail still knows who changed what.
/// </summary>
public sealed class CurrentUserHolder
{
    public ClaimsPrincipal? User { get; set; }
    /// <summary>The browser's address as the circuit's connection saw it, for security events in the audit trail.</summary>
    public string? RemoteIp { get; set; }
}

/// <summary>Applies migrations and prepares a fresh workspace before the server takes requests.</summary>
internal sealed class DatabaseInitializer(IServiceProvider services, ILogger<DatabaseInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ProspectorDb>();
        await DatabaseSetup.MigrateAsync(db, ct);
        await scope.ServiceProvider.GetRequiredService<UserAdmin>().EnsureRolesAsync();
        await QualificationDefaults.EnsureAsync(db, ct);
        await Prospector.Features.Sources.SourceDefaults.EnsureAsync(db, ct);
        log.LogInformation("Database ready ({Provider}).", db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
