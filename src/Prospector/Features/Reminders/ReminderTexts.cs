using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Prospector.Data;
using Prospector.Features.Common;
using Prospector.Hosting;

namespace Prospector.Features.Reminders;

public sealed record DigestItem(string When, string Title, string Link);

/// <summary>What reminders say, in each recipient's language, with dates and times in their zone and format.</summary>
public sealed class ReminderTexts(IStringLocalizer<SharedResource> l, IOptions<ReminderOptions> options)
{
    public string ActionTitle(ReminderUser user, NextActionType type, string name, DateOnly date, TimeOnly? at) => In(user, () =>
    {
        var what = $"{Labels.ActionType(l, type)}: {name}";
        return at is { } t
            ? l["{0} at {1}", what, t.ToString("t", CultureInfo.CurrentCulture)].Value
            : l["{0} today", what].Value;
    });

    public string PersonalDateTitle(ReminderUser user, PersonalDateKind kind, string? label, string name, DateOnly occurrence, int? year, int daysBefore) =>
        In(user, () =>
        {
            var what = $"{Labels.DateKind(l, kind)}{(label is null ? "" : $" ({label})")}: {name}";
            if (year is { } y && kind != PersonalDateKind.Other) what += " · " + l["{0} years", occurrence.Year - y].Value;
            return daysBefore == 0 ? l["{0} today", what].Value
                : l["{0} on {1}", what, occurrence.ToString("M", CultureInfo.CurrentCulture)].Value;
        });

    /// <summary>Stands for the name of an item the reminder's user may not see.</summary>
    public string Hidden(ReminderUser user) => In(user, () => l["a record you cannot see"].Value);

    public string DigestTitle(ReminderUser user, DateOnly day) =>
        In(user, () => l["Your day: {0}", day.ToString("D", CultureInfo.CurrentCulture)].Value);

    public MailMessage Reminder(ReminderUser user, Reminder r) => In(user, () =>
    {
        var link = Absolute(r.Link);
        var subject = l["Reminder: {0}", r.Title ?? ""].Value;
        var text = $"{r.Title}\n\n{link}\n\n{l["You get this e-mail because reminders by e-mail are on in your Prospector settings."]}";
        var html = $"<p><strong>{Esc(r.Title)}</strong></p><p><a href=\"{Esc(link)}\">{Esc(l["Open in Prospector"])}</a></p>"
            + $"<p style=\"color:#777\">{Esc(l["You get this e-mail because reminders by e-mail are on in your Prospector settings."])}</p>";
        return new MailMessage(user.Email!, user.DisplayName, subject, text, html);
    });

    public MailMessage Digest(ReminderUser user, string title, IReadOnlyList<DigestItem> overdue, IReadOnlyList<DigestItem> today,
        IReadOnlyList<DigestItem> dates, IReadOnlyList<DigestItem>? rotting = null) => In(user, () =>
    {
        var text = new StringBuilder().AppendLine(title).AppendLine();
        var html = new StringBuilder($"<h2>{Esc(title)}</h2>");
        foreach (var (heading, items) in new[] { (l["Overdue"].Value, overdue), (l["Today"].Value, today), (l["Birthdays and anniversaries"].Value, dates),
                     (l["Rotting deals"].Value, rotting ?? []) })
        {
            if (items.Count == 0) continue;
            text.AppendLine($"{heading} ({items.Count})");
            html.Append(CultureInfo.InvariantCulture, $"<h3>{Esc(heading)} ({items.Count})</h3><ul>");
            foreach (var i in items)
            {
                text.AppendLine($"- {i.When} {i.Title}  {Absolute(i.Link)}");
                html.Append(CultureInfo.InvariantCulture, $"<li>{Esc(i.When)} <a href=\"{Esc(Absolute(i.Link))}\">{Esc(i.Title)}</a></li>");
            }
            html.Append("</ul>");
            text.AppendLine();
        }
        var subject = l["{0} overdue, {1} today", overdue.Count, today.Count].Value + " · Prospector";
        return new MailMessage(user.Email!, user.DisplayName, subject, text.ToString(), html.ToString());
    });

    /// <summary>"12 days in Offer": how long a rotting deal has waited in its step (the step name translated when it is a default one).</summary>
    public string DaysInStep(int days, string step) => l["{0} days in {1}", days, Labels.Step(l, step)].Value;

    public string Label(NextActionType type) => Labels.ActionType(l, type);

    public string Label(PersonalDateKind kind) => Labels.DateKind(l, kind);

    /// <summary>Runs <paramref name="make"/> in the user's UI language and formats (synchronous, so the culture cannot leak).</summary>
    public static T In<T>(ReminderUser user, Func<T> make)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(ProspectorHost.FormatCulture(user.Culture));
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(user.Culture is "de" or "nl" ? user.Culture : "en");
            return make();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }
    }

    private string Absolute(string? link) => options.Value.PublicUrl.TrimEnd('/') + (link ?? "/");

    private static string Esc(string? s) => WebUtility.HtmlEncode(s ?? "");
}
