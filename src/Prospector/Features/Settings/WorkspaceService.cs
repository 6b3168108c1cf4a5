using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Settings;

/// <summary>A change to the workspace settings; a field left null stays as it is.</summary>
public sealed record WorkspaceChange(
    string? Name = null, bool? RepsSeeAll = null, Terminology? Terminology = null, string? DefaultCountry = null, string? DefaultCurrency = null,
    int? RetentionDays = null, bool? CustomersNeedNextAction = null, int? CustomersNotContactedMonths = null, bool? RequireTwoFactor = null);

/// <summary>
/// The workspace settings, read and changed in one place for the API and the settings page: the same checks (in the
/// caller's language), the same version check (a change based on an older version is stale), admins only.
/// </summary>
public sealed class WorkspaceService(ProspectorDb db, IStringLocalizer<SharedResource> l)
{
    public const int MaxName = 100, MinRetentionDays = 1, MaxRetentionDays = 3650, MaxNotContactedMonths = 60;

    public async Task<WorkspaceDto> GetAsync(CancellationToken ct = default) => Dto(await db.WorkspaceSettings.AsNoTracking().FirstAsync(ct));

    public async Task<Outcome<WorkspaceDto>> UpdateAsync(int expectedVersion, WorkspaceChange change, AccessScope scope, CancellationToken ct = default)
    {
        if (!scope.IsAdmin) return Outcome<WorkspaceDto>.Forbidden("Only admins change the workspace settings.");
        if (Validate(change) is { Count: > 0 } errors) return Outcome<WorkspaceDto>.Invalid(errors);
        var s = await db.WorkspaceSettings.FirstAsync(ct);
        if (s.Version != expectedVersion) return Outcome<WorkspaceDto>.Stale(s.Version);
        // The version the caller saw goes into the UPDATE's WHERE clause: a write in between makes it fail.
        db.Entry(s).Property(x => x.Version).OriginalValue = expectedVersion;
        if (change.Name is { } name) s.Name = name.Trim();
        if (change.RepsSeeAll is { } all) s.RepsSeeAll = all;
        if (change.Terminology is { } words) s.Terminology = words;
        if (change.DefaultCountry is { } country) s.DefaultCountry = country.Trim().ToUpperInvariant();
        if (change.DefaultCurrency is { } currency) s.DefaultCurrency = currency.Trim().ToUpperInvariant();
        if (change.RetentionDays is { } days) s.RetentionDays = days;
        if (change.CustomersNeedNextAction is { } care) s.CustomersNeedNextAction = care;
        if (change.CustomersNotContactedMonths is { } months) s.CustomersNotContactedMonths = months;
        if (change.RequireTwoFactor is { } twoFactor) s.RequireTwoFactor = twoFactor;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<WorkspaceDto>.Stale(await db.WorkspaceSettings.AsNoTracking().Select(x => x.Version).FirstAsync(ct));
        }
        return Dto(s);
    }

    private Dictionary<string, string[]> Validate(WorkspaceChange c)
    {
        var errors = new Dictionary<string, string[]>();
        if (c.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxName))
            errors["name"] = [l["Name the workspace (up to {0} characters).", MaxName]];
        if (c.DefaultCountry is { } country && (country.Trim().Length != 2 || !country.Trim().All(char.IsAsciiLetter)))
            errors["defaultCountry"] = [l["The country is a two-letter ISO code such as DE or NL."]];
        if (c.DefaultCurrency is { } currency && (currency.Trim().Length != 3 || !currency.Trim().All(char.IsAsciiLetter)))
            errors["defaultCurrency"] = [l["The currency is a three-letter ISO code such as EUR."]];
        if (c.RetentionDays is < MinRetentionDays or > MaxRetentionDays)
            errors["retentionDays"] = [l["Keep them for {0} to {1} days.", MinRetentionDays, MaxRetentionDays]];
        if (c.CustomersNotContactedMonths is < 1 or > MaxNotContactedMonths)
            errors["customersNotContactedMonths"] = [l["Choose 1 to {0} months.", MaxNotContactedMonths]];
        return errors;
    }

    private static WorkspaceDto Dto(WorkspaceSettings s) =>
        new(s.Name, s.RepsSeeAll, s.Terminology, s.DefaultCountry, s.DefaultCurrency, s.Version, s.RetentionDays, s.CustomersNeedNextAction,
            s.CustomersNotContactedMonths, s.RequireTwoFactor);
}
