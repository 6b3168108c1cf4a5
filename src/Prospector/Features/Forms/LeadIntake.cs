using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.Contacts;
using Prospector.Features.NextActions;

namespace Prospector.Features.Forms;

/// <summary>What a web-form submission became: the contact, and whether it was created (a new lead) or found by its e-mail.</summary>
public sealed record Intake(long ContactId, bool Created);

/// <summary>
/// Turns the values of a web-form submission into a lead, in the caller's transaction: a new Lead owned by the form's owner
/// (or the next rep of its team), or — when a contact has that e-mail already — the existing contact. Either way the request
/// is logged as an inbound conversation, the consent is recorded with the form's text in the language shown and the time,
/// and the owner gets the first next action "call back within a day", due the next working day in their time zone (which
/// the reminder planner then reminds them of).
/// </summary>
public sealed class LeadIntake(ProspectorDb db, TimeProvider time, IStringLocalizer<SharedResource> l, RecordAccess access,
    ContactService contacts, CurrentAction current)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<Outcome<Intake>> IntakeAsync(WebForm form, IReadOnlyDictionary<string, string> values, string language, bool consent,
        DateTime receivedAt, CancellationToken ct)
    {
        var ownerId = await OwnerAsync(form, ct);
        if (ownerId is null)
            return Outcome<Intake>.Invalid("ownerId", l["The form's owner is deactivated or its team has no active rep: choose another owner."]);
        var owner = await access.ScopeOfUserAsync(ownerId.Value, ct);
        var email = values[FormFields.Email].Trim();
        var key = email.ToLowerInvariant();
        var existing = await db.Contacts.Where(c => c.EmailKey == key).OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
        long contactId;
        if (existing is null)
        {
            var created = await CreateLeadAsync(form, values, owner, ct);
            if (!created.IsOk) return created.As<Intake>();
            contactId = created.Value!.Id;
        }
        else contactId = existing.Id;

        var summary = await InLanguageOfAsync(ownerId, () => Summary(form, values), ct);
        var companyId = await db.Contacts.Where(c => c.Id == contactId).Select(c => c.CompanyId).FirstAsync(ct);
        db.Activities.Add(new Activity
        {
            ContactId = contactId, CompanyId = companyId, Channel = Channel.Note, Direction = Direction.Inbound, OccurredAt = receivedAt,
            Subject = Cut(form.Name, 200), Notes = Cut(summary, 4000), CreatedAt = Now,
        });
        if (consent)
        {
            db.ConsentRecords.Add(new ConsentRecord
            {
                ContactId = contactId, Channel = ConsentChannel.Email, Status = ConsentStatus.Granted, GivenAt = receivedAt,
                Method = Cut($"web form: {form.Name} ({language})", 200)!, Note = Cut(ConsentText(form).In(language), 1000), RecordedAt = Now,
            });
        }
        if (!await current.HasOpenAsync(contactId, null, ct))
        {
            var assignee = existing is null ? ownerId : await current.DefaultAssigneeAsync(contactId, null, ownerId, ct);
            var zone = await UserTime.ZoneOfAsync(db, assignee, ct);
            var note = await InLanguageOfAsync(assignee, () => l["Call back within a day (web form: {0})", form.Name].Value, ct);
            var scheduled = await current.ScheduleAsync(contactId, null,
                new NextActionInput(NextActionType.Call, NextWorkingDay(Now, zone), null, Cut(note, CurrentAction.MaxNote), null),
                assignee == ownerId ? owner : await access.ScopeOfUserAsync(assignee!.Value, ct), "next", ct);
            if (!scheduled.IsOk) return scheduled.As<Intake>();
        }
        await db.SaveChangesAsync(ct);
        return new Intake(contactId, existing is null);
    }

    public static FormTexts ConsentText(WebForm f) => new(f.ConsentTextEn, f.ConsentTextDe, f.ConsentTextNl);

    /// <summary>The working day after today in a time zone (Monday after a Friday, Saturday or Sunday).</summary>
    public static DateOnly NextWorkingDay(DateTime utcNow, string? zone)
    {
        var day = CurrentAction.Today(utcNow, zone).AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        return day;
    }

    /// <summary>The fixed owner while active; else the active reps of the team in turn, by the number of leads the form has given.</summary>
    private async Task<long?> OwnerAsync(WebForm form, CancellationToken ct)
    {
        if (form.OwnerId is { } fixedOwner)
            return await db.Users.AnyAsync(u => u.Id == fixedOwner && u.DeactivatedAt == null, ct) ? fixedOwner : null;
        if (form.TeamId is not { } team) return null;
        var repRole = await db.Roles.Where(r => r.Name == Roles.Rep).Select(r => r.Id).FirstOrDefaultAsync(ct);
        var reps = await db.TeamMembers.Where(m => m.TeamId == team)
            .Join(db.Users.Where(u => u.DeactivatedAt == null), m => m.UserId, u => u.Id, (m, u) => u.Id)
            .Where(id => db.UserRoles.Any(r => r.UserId == id && r.RoleId == repRole))
            .OrderBy(id => id).ToListAsync(ct);
        if (reps.Count == 0) return null;
        var given = await db.FormSubmissions.CountAsync(s => s.FormId == form.Id && s.Status == SubmissionStatus.Accepted, ct);
        return reps[given % reps.Count];
    }

    private async Task<Outcome<Contact>> CreateLeadAsync(WebForm form, IReadOnlyDictionary<string, string> v, AccessScope owner, CancellationToken ct)
    {
        string? Get(string k) => v.TryGetValue(k, out var s) && s.Trim().Length > 0 ? s.Trim() : null;
        long? companyId = null;
        // A source retired after the form was set up is not given to new leads (its detail text still is).
        var sourceId = form.LeadSourceId is { } fs && await db.LeadSources.AnyAsync(s => s.Id == fs && s.RetiredAt == null, ct) ? fs : (long?)null;
        if (Get("company") is { } companyName)
        {
            var key = TextKeys.Fold(companyName);
            var company = await owner.Filter(db.Companies).Where(c => c.NameKey == key).OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
            if (company is null)
            {
                company = new Company { Name = companyName, NameKey = key, Source = form.Source, LeadSourceId = sourceId, OwnerId = owner.UserId };
                company.TeamId = await References.DefaultTeamAsync(db, owner.UserId, ct);
                db.Companies.Add(company);
                await db.SaveChangesAsync(ct);
            }
            companyId = company.Id;
        }
        var change = new ContactChange(null, Get("firstName"), null, Get("lastName"), Get("jobTitle"), Get(FormFields.Email), Get("phone"), null,
            companyId, null, null, null, null, Stage.Lead, LeadStatus.New, sourceId, form.Source, null, owner.UserId, [], null, []);
        return await contacts.CreateAsync(owner, change, ct);
    }

    /// <summary>The request as the rep reads it on the timeline: the message, then the other values sent.</summary>
    private string Summary(WebForm form, IReadOnlyDictionary<string, string> values)
    {
        var sb = new StringBuilder();
        if (values.TryGetValue(FormFields.Message, out var m) && m.Trim().Length > 0) sb.AppendLine(m.Trim()).AppendLine();
        foreach (var f in FormFields.Parse(form.Fields).Where(f => f.Key != FormFields.Message))
            if (values.TryGetValue(f.Key, out var s) && s.Trim().Length > 0)
                sb.Append("- ").Append(l[FormFields.Find(f.Key)!.Label]).Append(": ").AppendLine(s.Trim());
        return sb.ToString().Trim();
    }

    private async Task<string> InLanguageOfAsync(long? userId, Func<string> text, CancellationToken ct)
    {
        var culture = await db.Users.Where(u => u.Id == userId).Select(u => u.Culture).FirstOrDefaultAsync(ct);
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture is "de" or "nl" ? culture : "en");
            return text();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    private static string? Cut(string? s, int max) => UnicodeText.Prefix(s, max);
}
