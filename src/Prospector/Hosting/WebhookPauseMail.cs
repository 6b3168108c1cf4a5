using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Reminders;
using Prospector.Features.Webhooks;

namespace Prospector.Hosting;

/// <summary>
/// Tells the admin who registered a webhook endpoint that it was paused after repeated failures: by e-mail over the
/// configured SMTP server, or, without one (or when sending fails), as an in-app notification in their bell.
/// A deactivated or deleted registrant is not told (the security log keeps the pause).
/// </summary>
public sealed class WebhookPauseMail(ProspectorDb db, ReminderMail mail, IStringLocalizer<SharedResource> l, IOptions<ReminderOptions> reminders,
    TimeProvider time, ILogger<WebhookPauseMail> log) : IWebhookPauseNotice
{
    public async Task PausedAsync(long endpointId, CancellationToken ct)
    {
        var hook = await db.WebhookEndpoints.AsNoTracking().Where(w => w.Id == endpointId).Select(w => new { w.Url, w.PausedReason, w.CreatedById }).FirstOrDefaultAsync(ct);
        if (hook?.CreatedById is not { } userId) return;
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.DeactivatedAt == null)
            .Select(u => new { u.Email, u.DisplayName, u.Culture }).FirstOrDefaultAsync(ct);
        if (user is null) return;
        var ui = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(string.IsNullOrEmpty(user.Culture) ? "en" : user.Culture);
        try
        {
            var title = l["Webhook paused: {0}", hook.Url].Value;
            var link = reminders.Value.PublicUrl.TrimEnd('/') + "/settings";
            if (mail.Enabled && !string.IsNullOrEmpty(user.Email))
            {
                var text = l["Prospector paused the webhook endpoint {0}: {1} Events for it are kept, not sent. Fix the receiver, then resume it under Settings → Webhooks: {2}", hook.Url, hook.PausedReason ?? "", link].Value;
                try
                {
                    await mail.SendAsync(new MailMessage(user.Email, user.DisplayName, title, text, $"<p>{System.Net.WebUtility.HtmlEncode(text)}</p>"), ct);
                    return;
                }
                catch (Exception x) when (x is not OperationCanceledException)
                {
                    log.LogWarning(x, "The e-mail about paused webhook {Id} failed; leaving an in-app notice instead.", endpointId);
                }
            }
            var now = time.GetUtcNow().UtcDateTime;
            db.Reminders.Add(new Reminder
            {
                UserId = userId, Kind = ReminderKind.Digest, Channel = ReminderChannel.InApp, Status = ReminderStatus.Sent, DueAtUtc = now, SentAt = now,
                CreatedAt = now, Title = title, Link = "/settings",
            });
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
        }
    }
}
