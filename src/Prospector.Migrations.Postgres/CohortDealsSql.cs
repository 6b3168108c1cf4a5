namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "Opportunities"."ContactFirstLeadAt" on PostgreSQL: the first day as a Lead of the deal's
/// contact. A deal takes it from its contact when it is inserted or changes contact (a contact deleted for good sets the
/// deal's contact to none, which clears it); a contact hands a new first day as a Lead (kept by the funnel facts'
/// triggers) to its deals. All in the transaction of the write, however the write is made. <see cref="Up"/> can be run again
/// at any time: it drops the triggers, recreates them and fills the column from the contacts.
/// </summary>
public static class CohortDealsSql
{
    private static IEnumerable<string> Drops() =>
    [
        "DROP TRIGGER IF EXISTS opportunities_first_lead ON \"Opportunities\"",
        "DROP TRIGGER IF EXISTS contacts_first_lead_deals ON \"Contacts\"",
    ];

    public static readonly string[] Up =
    [
        .. Drops(),
        """
        CREATE OR REPLACE FUNCTION prospector_deal_first_lead() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW."ContactFirstLeadAt" := (SELECT c."FirstLeadAt" FROM "Contacts" AS c WHERE c."Id" = NEW."ContactId");
          RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER opportunities_first_lead BEFORE INSERT OR UPDATE OF "ContactId"
          ON "Opportunities" FOR EACH ROW EXECUTE FUNCTION prospector_deal_first_lead()
        """,
        """
        CREATE OR REPLACE FUNCTION prospector_contact_first_lead_deals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE "Opportunities" SET "ContactFirstLeadAt" = NEW."FirstLeadAt" WHERE "ContactId" = NEW."Id";
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER contacts_first_lead_deals AFTER UPDATE OF "FirstLeadAt" ON "Contacts" FOR EACH ROW
          WHEN (OLD."FirstLeadAt" IS DISTINCT FROM NEW."FirstLeadAt") EXECUTE FUNCTION prospector_contact_first_lead_deals()
        """,
        """
        UPDATE "Opportunities" AS o SET "ContactFirstLeadAt" = (SELECT c."FirstLeadAt" FROM "Contacts" AS c WHERE c."Id" = o."ContactId")
          WHERE o."ContactFirstLeadAt" IS DISTINCT FROM (SELECT c."FirstLeadAt" FROM "Contacts" AS c WHERE c."Id" = o."ContactId")
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_deal_first_lead()",
        "DROP FUNCTION IF EXISTS prospector_contact_first_lead_deals()",
    ];
}
