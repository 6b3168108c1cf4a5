using Microsoft.Extensions.Localization;
using Prospector.Data;

namespace Prospector.Features.Common;

/// <summary>Display labels of code names, localised; stages follow the workspace's terminology preset.</summary>
public static class Labels
{
    public static string Stage(IStringLocalizer l, Stage s, Terminology t = Terminology.Default) =>
        t == Terminology.NoCrm && s is Data.Stage.Lead or Data.Stage.Prospect
            ? l[s == Data.Stage.Lead ? "Prospect (noCRM)" : "Lead (noCRM)"]
            : s switch
            {
                Data.Stage.Suspect => l["Suspect"],
                Data.Stage.Lead => l["Lead"],
                Data.Stage.Prospect => l["Prospect"],
                Data.Stage.Customer => l["Customer"],
                _ => l["Repeat customer"],
            };

    public static string Status(IStringLocalizer l, LeadStatus s) => s switch
    {
        LeadStatus.New => l["New"],
        LeadStatus.Working => l["Working"],
        LeadStatus.Nurturing => l["Nurturing"],
        _ => l["Unqualified"],
    };

    public static string Channel(IStringLocalizer l, ConsentChannel c) => c switch
    {
        ConsentChannel.Email => l["E-mail"],
        ConsentChannel.Phone => l["Phone"],
        _ => l["SMS"],
    };

    public static string DateKind(IStringLocalizer l, PersonalDateKind k) => k switch
    {
        PersonalDateKind.Birthday => l["Birthday"],
        PersonalDateKind.Anniversary => l["Anniversary"],
        _ => l["Other date"],
    };

    public static string Action(IStringLocalizer l, AuditAction a) => a switch
    {
        AuditAction.Created => l["Created"],
        AuditAction.Updated => l["Changed"],
        AuditAction.Deleted => l["Deleted"],
        AuditAction.Restored => l["Restored"],
        AuditAction.PersonalDataExported => l["Personal data exported"],
        AuditAction.Erased => l["Personal data erased"],
        AuditAction.SignedIn => l["Signed in"],
        AuditAction.SignInFailed => l["Failed sign-in"],
        AuditAction.TokenCreated => l["API token created"],
        AuditAction.TokenRevoked => l["API token revoked"],
        AuditAction.RetentionRun => l["Retention run"],
        _ => l["Backed up"],
    };

    public static string ActionType(IStringLocalizer l, NextActionType t) => t switch
    {
        NextActionType.Call => l["Call"],
        NextActionType.Email => l["E-mail"],
        NextActionType.Meeting => l["Meeting"],
        NextActionType.Sms => l["SMS"],
        NextActionType.Social => l["Social media"],
        NextActionType.Visit => l["Visit"],
        _ => l["Task"],
    };

    public static string OpportunityState(IStringLocalizer l, OpportunityState s) => s switch
    {
        Data.OpportunityState.Open => l["Open"],
        Data.OpportunityState.Standby => l["Standby"],
        Data.OpportunityState.Won => l["Won"],
        Data.OpportunityState.Lost => l["Lost"],
        _ => l["Cancelled"],
    };

    /// <summary>Default pipeline step names are resource keys, shown translated until an admin renames them.</summary>
    public static string Step(IStringLocalizer l, string name) => l[name];

    /// <summary>Field names of the audit trail are code names; shown in the user's language where there is a label.</summary>
    public static string Field(IStringLocalizer l, string field) => field switch
    {
        "FirstName" => l["First name"],
        "LastName" => l["Last name"],
        "Email" => l["E-mail"],
        "Phone" => l["Phone"],
        "Mobile" => l["Mobile"],
        "CompanyId" => l["Company"],
        "City" => l["City"],
        "Street" => l["Street"],
        "PostalCode" => l["Postal code"],
        "Country" => l["Country"],
        "Stage" => l["Stage"],
        "LeadStatus" => l["Status"],
        "OwnerId" => l["Owner"],
        "TeamId" => l["Team"],
        "JobTitle" => l["Job title"],
        "Source" => l["Source"],
        "Notes" => l["Notes"],
        "Name" => l["Name"],
        "Website" => l["Website"],
        "Industry" => l["Industry"],
        "Salutation" => l["Salutation"],
        "NamePrefix" => l["Name prefix (van, de)"],
        "Domain" => l["Domain"],
        "UnqualifiedReason" => l["Reason"],
        "RecontactOn" => l["Recontact on"],
        "SourceListId" => l["Prospecting list"],
        "CustomFields" => l["Custom fields"],
        "Title" => l["Title"],
        "ContactId" => l["Contact"],
        "PipelineId" => l["Pipeline"],
        "StepId" => l["Step"],
        "Amount" => l["Amount"],
        "Currency" => l["Currency"],
        "Probability" => l["Probability (%)"],
        "ExpectedCloseDate" => l["Expected close"],
        "State" => l["State"],
        "StandbyUntil" => l["Standby until"],
        "CloseReason" => l["Close reason"],
        "ClosedAt" => l["Closed on"],
        "Description" => l["Description"],
        "DefaultCountry" => l["Default country"],
        "Columns" => l["Columns"],
        "Mapping" => l["Column mapping"],
        "RowCount" => l["Rows"],
        _ => field,
    };

    public static Terminology TerminologyOf(ProspectorDb db) =>
        db.WorkspaceSettings.Select(s => s.Terminology).FirstOrDefault();
}
