using System.ComponentModel;
using Prospector.Data;

namespace Prospector.Features.CreditChecks;

/// <summary>One credit check of a deal, with who recorded it and, for a failed one, the manager's override.</summary>
public sealed record CreditCheckDto(long Id, long OpportunityId, CreditCheckResult Result, decimal? LimitAmount, string? Currency, DateOnly CheckedOn,
    string? Source, string? Note, string? RecordedBy, DateTime RecordedAt, string? OverrideReason, string? OverriddenBy, DateTime? OverriddenAt)
{
    /// <summary>Failed and not overridden: the deal cannot go past the credit check step.</summary>
    public bool Blocks => Result == CreditCheckResult.Failed && OverriddenAt is null;
}

/// <summary>The body of POST /api/v1/opportunities/{id}/credit-checks.</summary>
public sealed record NewCreditCheck(
    [property: Description("Passed, Limited (passed up to limitAmount) or Failed.")] CreditCheckResult? Result,
    [property: Description("The credit limit granted; required for Limited.")] decimal? LimitAmount = null,
    [property: Description("ISO 4217 currency of the limit; the deal's currency when left out.")] string? Currency = null,
    [property: Description("The day of the check; today (in your time zone) when left out. Not in the future.")] DateOnly? CheckedOn = null,
    [property: Description("The agency or source, e.g. Creditreform, SCHUFA, Graydon, bank reference (up to 200 characters).")] string? Source = null,
    [property: Description("A note (up to 1000 characters).")] string? Note = null);

/// <summary>The body of POST /api/v1/opportunities/{id}/credit-checks/override.</summary>
public sealed record CreditOverrideBody([property: Description("Why the deal may go on despite the failed check (1 to 500 characters).")] string? Reason);
