using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LeadSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LeadSourceId",
                table: "WebForms",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeadSourceId",
                table: "ProspectingLists",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeadSourceId",
                table: "Contacts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReferredById",
                table: "Contacts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeadSourceId",
                table: "Companies",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "LeadSources",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SortOrder = table.Column<int>(type: "integer", nullable: false),
                    RetiredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LeadSources", x => x.Id);
                });

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

            migrationBuilder.AddForeignKey(
                name: "FK_Companies_LeadSources_LeadSourceId",
                table: "Companies",
                column: "LeadSourceId",
                principalTable: "LeadSources",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Contacts_Contacts_ReferredById",
                table: "Contacts",
                column: "ReferredById",
                principalTable: "Contacts",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_Contacts_LeadSources_LeadSourceId",
                table: "Contacts",
                column: "LeadSourceId",
                principalTable: "LeadSources",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ProspectingLists_LeadSources_LeadSourceId",
                table: "ProspectingLists",
                column: "LeadSourceId",
                principalTable: "LeadSources",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_WebForms_LeadSources_LeadSourceId",
                table: "WebForms",
                column: "LeadSourceId",
                principalTable: "LeadSources",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
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
