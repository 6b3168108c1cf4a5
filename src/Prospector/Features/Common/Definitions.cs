using System.Linq.Expressions;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>
/// The definitions behind the numbers users compare (dashboard, To do, board, API), each written once; docs/numbers.md
/// explains them. Use them as top-level filters (<c>query.Where(Definitions.OpenDeal)</c>).
/// </summary>
public static class Definitions
{
    /// <summary>A deal still in play: open or on standby. It is a card on the board and always has a next action.</summary>
    public static readonly Expression<Func<Opportunity, bool>> OpenDeal =
        o => o.State == OpportunityState.Open || o.State == OpportunityState.Standby;

    /// <summary>
    /// A contact that is worked as an item of its own: a Lead or a Prospect, not disqualified. Unless it has an open deal (which
    /// then carries the work), it always has a next action. See <c>CurrentAction.NeedingAction</c>.
    /// </summary>
    public static readonly Expression<Func<Contact, bool>> ContactInPlay =
        c => (c.Stage == Stage.Lead || c.Stage == Stage.Prospect) && c.LeadStatus != LeadStatus.Unqualified;

    /// <summary>
    /// A customer or repeat customer (not disqualified): after the first sale it is looked after ("account care": check-in,
    /// re-order, renewal). A next action is optional, unless the workspace turns on "every customer has a next action"
    /// (<see cref="WorkspaceSettings.CustomersNeedNextAction"/>); then it counts like a contact in play. See <c>CurrentAction.NeedingAction</c>.
    /// </summary>
    public static readonly Expression<Func<Contact, bool>> CustomerInCare =
        c => (c.Stage == Stage.Customer || c.Stage == Stage.RepeatCustomer) && c.LeadStatus != LeadStatus.Unqualified;

    /// <summary>
    /// A deal that counts in the pipeline value and the weighted forecast: open and not on standby. Standby deals are counted
    /// and summed separately ("on standby"), because nobody expects them to close before their date.
    /// </summary>
    public static readonly Expression<Func<Opportunity, bool>> InPipelineValue = o => o.State == OpportunityState.Open;

    /// <summary>
    /// A next action that waits for a date: on a deal on standby, or on a contact that is "not ready yet" (Nurturing) or kept
    /// for a later recontact. Until its day it is in the Standby bucket, not in Upcoming.
    /// </summary>
    public static readonly Expression<Func<NextAction, bool>> Waiting = a =>
        a.Opportunity != null ? a.Opportunity.State == OpportunityState.Standby
            : a.Contact != null && (a.Contact.LeadStatus == LeadStatus.Nurturing
                || (a.Contact.LeadStatus == LeadStatus.Unqualified && a.Contact.RecontactOn != null));

    public static Expression<Func<T, bool>> Not<T>(Expression<Func<T, bool>> e) =>
        Expression.Lambda<Func<T, bool>>(Expression.Not(e.Body), e.Parameters);
}
