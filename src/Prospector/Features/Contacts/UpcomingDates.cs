using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Contacts;

/// <summary>Where to send the card: the contact's own address, else its company's (<see cref="OfCompany"/>).</summary>
public sealed record PostalAddress(string? Street, string? PostalCode, string? City, string? Country, bool OfCompany);

/// <summary>One birthday, anniversary or other personal date coming up, with the address for a card.</summary>
public sealed record UpcomingDate(
    long ContactId, string ContactName, string? CompanyName, PersonalDateKind Kind, string? Label,
    [property: Description("The day it falls on this time (29 February falls on 28 February in a year that has none).")] DateOnly Date,
    [property: Description("Days from today in the user's time zone (0 = today).")] int InDays,
    [property: Description("The birthday or anniversary it is (e.g. 50), when the year is known.")] int? Years,
    PostalAddress? Address);

/// <summary>The dates from <see cref="From"/> (today in the user's time zone) to <see cref="To"/>, soonest first.</summary>
public sealed record UpcomingDatesView(DateOnly From, DateOnly To, IReadOnlyList<UpcomingDate> Items, bool Capped);

/// <summary>
/// "Upcoming birthdays and anniversaries" (the seeds: send a card): the personal dates of the contacts the user may see that
/// fall from today to today + N days, in the user's time zone. A 29 February date falls on 28 February in other years, as
/// the reminders and the calendar feed have it.
/// </summary>
public static class UpcomingDates
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;
    public const int MaxItems = 1000;

    /// <summary>The next day on or after <paramref name="today"/> that a yearly date (month, day) falls on.</summary>
    public static DateOnly NextOccurrence(int month, int day, DateOnly today)
    {
        foreach (var year in new[] { today.Year, today.Year + 1 })
        {
            var date = new DateOnly(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)));
            if (date >= today) return date;
        }
        return new DateOnly(today.Year + 2, month, Math.Min(day, DateTime.DaysInMonth(today.Year + 2, month)));
    }

    public static async Task<UpcomingDatesView> ForAsync(ProspectorDb db, AccessScope scope, DateOnly today, int days, CancellationToken ct = default)
    {
        var to = today.AddDays(days);
        var months = Enumerable.Range(0, 14).Select(i => today.AddMonths(i)).TakeWhile(m => new DateOnly(m.Year, m.Month, 1) <= to)
            .Select(m => m.Month).Distinct().ToList();
        var rows = await scope.Filter(db.Contacts).Where(c => c.ErasedAt == null)
            .SelectMany(c => db.PersonalDates.Where(d => d.ContactId == c.Id && months.Contains(d.Month)), (c, d) => new
            {
                ContactId = c.Id, c.FirstName, c.NamePrefix, c.LastName, d.Kind, d.Label, d.Month, d.Day, d.Year,
                c.Street, c.PostalCode, c.City, c.Country,
                CompanyName = c.Company == null ? null : c.Company.Name,
                CompanyStreet = c.Company == null ? null : c.Company.Street,
                CompanyPostalCode = c.Company == null ? null : c.Company.PostalCode,
                CompanyCity = c.Company == null ? null : c.Company.City,
                CompanyCountry = c.Company == null ? null : c.Company.Country,
            })
            .ToListAsync(ct);
        var items = rows
            .Where(r => r.Month is >= 1 and <= 12 && r.Day >= 1)
            .Select(r =>
            {
                var date = NextOccurrence(r.Month, r.Day, today);
                var own = !string.IsNullOrWhiteSpace(r.Street) || !string.IsNullOrWhiteSpace(r.City);
                var company = !string.IsNullOrWhiteSpace(r.CompanyStreet) || !string.IsNullOrWhiteSpace(r.CompanyCity);
                PostalAddress? address = own ? new(r.Street, r.PostalCode, r.City, r.Country, false)
                    : company ? new(r.CompanyStreet, r.CompanyPostalCode, r.CompanyCity, r.CompanyCountry, true) : null;
                int? years = r.Year is { } y && y < date.Year ? date.Year - y : null;
                return new UpcomingDate(r.ContactId, Contact.NameOf(r.FirstName, r.NamePrefix, r.LastName), r.CompanyName, r.Kind, r.Label,
                    date, date.DayNumber - today.DayNumber, years, address);
            })
            .Where(u => u.Date <= to)
            .OrderBy(u => u.Date).ThenBy(u => u.ContactName, StringComparer.CurrentCulture).ThenBy(u => u.ContactId)
            .ToList();
        return new UpcomingDatesView(today, to, [.. items.Take(MaxItems)], items.Count > MaxItems);
    }
}

/// <summary><c>GET /api/v1/contacts/upcoming-dates?days=30</c>.</summary>
public static class UpcomingDatesApi
{
    public static RouteHandlerBuilder MapUpcomingDates(this RouteGroupBuilder contacts) =>
        contacts.MapGet("/upcoming-dates", Get)
            .WithSummary("Upcoming birthdays, anniversaries and other personal dates of the contacts you may see, with the postal address for a card.")
            .WithDescription("From today to today + days (inclusive), in your time zone; soonest first. 29 February falls on 28 February in a year without it.");

    private static async Task<Results<Ok<UpcomingDatesView>, ValidationProblem>> Get(ProspectorDb db, AccessScope scope, TimeProvider time,
        IStringLocalizer<SharedResource> l, CancellationToken ct, int? days = null)
    {
        var n = days ?? UpcomingDates.DefaultDays;
        if (n is < 0 or > UpcomingDates.MaxDays) return Api.Invalid("days", l["{0} must be between {1} and {2}.", "days", 0, UpcomingDates.MaxDays]);
        var today = await CurrentAction.TodayAsync(db, scope.UserId, time, ct);
        return TypedResults.Ok(await UpcomingDates.ForAsync(db, scope, today, n, ct));
    }
}
