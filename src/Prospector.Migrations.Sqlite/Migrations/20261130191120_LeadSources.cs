using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LeadSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LeadSources",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    RetiredAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LeadSources", x => x.Id);
                });

            // Hand-written for SQLite: the new columns carry their foreign keys from the start (ADD COLUMN … REFERENCES).
            // EF would add the columns and then rebuild four tables to add the keys, with PRAGMA foreign_keys around the
            // rebuild, which runs outside the migration's transaction; this way a kill leaves the database as it was.
            foreach (var table in new[] { "WebForms", "ProspectingLists", "Contacts", "Companies" })
                migrationBuilder.Sql($"ALTER TABLE \"{table}\" ADD COLUMN \"LeadSourceId\" INTEGER NULL CONSTRAINT \"FK_{table}_LeadSources_LeadSourceId\" REFERENCES \"LeadSources\" (\"Id\") ON DELETE RESTRICT;");
            migrationBuilder.Sql("ALTER TABLE \"Contacts\" ADD COLUMN \"ReferredById\" INTEGER NULL CONSTRAINT \"FK_Contacts_Contacts_ReferredById\" REFERENCES \"Contacts\" (\"Id\") ON DELETE SET NULL;");

            migrationBuilder.CreateIndex(
                name: "IX_WebForms_LeadSourceId",
                table: "WebForms",
                column: "LeadSourceId");

            migrationBuilder.CreateIndex(
                name: "IX_ProspectingLists_LeadSourceId",
                table: "ProspectingLists",
                column: "LeadSourceId");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_LeadSourceId_NameKey",
                table: "Contacts",
                columns: new[] { "LeadSourceId", "NameKey" },
                filter: "\"DeletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_ReferredById",
                table: "Contacts",
                column: "ReferredById",
                filter: "\"DeletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Companies_LeadSourceId",
                table: "Companies",
                column: "LeadSourceId",
                filter: "\"DeletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LeadSources_Key",
                table: "LeadSources",
                column: "Key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Companies_LeadSources_LeadSourceId",
                table: "Companies");

            migrationBuilder.DropForeignKey(
                name: "FK_Contacts_Contacts_ReferredById",
                table: "Contacts");

            migrationBuilder.DropForeignKey(
                name: "FK_Contacts_LeadSources_LeadSourceId",
                table: "Contacts");

            migrationBuilder.DropForeignKey(
                name: "FK_ProspectingLists_LeadSources_LeadSourceId",
                table: "ProspectingLists");

            migrationBuilder.DropForeignKey(
                name: "FK_WebForms_LeadSources_LeadSourceId",
                table: "WebForms");

            migrationBuilder.DropTable(
                name: "LeadSources");

            migrationBuilder.DropIndex(
                name: "IX_WebForms_LeadSourceId",
                table: "WebForms");

            migrationBuilder.DropIndex(
                name: "IX_ProspectingLists_LeadSourceId",
                table: "ProspectingLists");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_LeadSourceId_NameKey",
                table: "Contacts");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_ReferredById",
                table: "Contacts");

            migrationBuilder.DropIndex(
                name: "IX_Companies_LeadSourceId",
                table: "Companies");

            migrationBuilder.DropColumn(
                name: "LeadSourceId",
                table: "WebForms");

            migrationBuilder.DropColumn(
                name: "LeadSourceId",
                table: "ProspectingLists");

            migrationBuilder.DropColumn(
                name: "LeadSourceId",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "ReferredById",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "LeadSourceId",
                table: "Companies");
        }
    }
}
