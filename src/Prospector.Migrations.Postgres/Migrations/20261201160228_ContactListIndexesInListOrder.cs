using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ContactListIndexesInListOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Contacts_NameKey_OwnerId_TeamId",
                table: "Contacts");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_Stage_NameKey",
                table: "Contacts");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_NameKey_Id_OwnerId_TeamId",
                table: "Contacts",
                columns: new[] { "NameKey", "Id", "OwnerId", "TeamId" },
                filter: "\"DeletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_Stage_LeadStatus_NameKey_Id_OwnerId_TeamId",
                table: "Contacts",
                columns: new[] { "Stage", "LeadStatus", "NameKey", "Id", "OwnerId", "TeamId" },
                filter: "\"DeletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_Stage_NameKey_Id_OwnerId_TeamId",
                table: "Contacts",
                columns: new[] { "Stage", "NameKey", "Id", "OwnerId", "TeamId" },
                filter: "\"DeletedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Contacts_NameKey_Id_OwnerId_TeamId",
                table: "Contacts");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_Stage_LeadStatus_NameKey_Id_OwnerId_TeamId",
                table: "Contacts");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_Stage_NameKey_Id_OwnerId_TeamId",
                table: "Contacts");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_NameKey_OwnerId_TeamId",
                table: "Contacts",
                columns: new[] { "NameKey", "OwnerId", "TeamId" },
                filter: "\"DeletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_Stage_NameKey",
                table: "Contacts",
                columns: new[] { "Stage", "NameKey" },
                filter: "\"DeletedAt\" IS NULL");
        }
    }
}
