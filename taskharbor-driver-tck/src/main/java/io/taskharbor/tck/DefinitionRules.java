package io.taskharbor.tck;

/**
 * Task definitions, the optional {@link io.taskharbor.spi.Definitions} extension: records with a unique alias, texts,
 * a status and soft deletion. Its rules are {@code optional_}: skipped, by name, for a driver without the extension,
 * and binding for a driver that offers it. Checked by {@link DefinitionContract}.
 */
@RuleGroup(id = "DEF", name = "task definitions",
    summary = "task definitions by unique alias: create, update, find, list, cancel, soft delete (extension "
        + "Definitions)")
public interface DefinitionRules {

  @Rule(id = "DEF-01",
      text = "create stores the definition's alias, title, description, status and memo as given, created and "
          + "updated at now (whatever instants it carried), not deleted, and returns what it stored; find returns "
          + "the same on this and on a second client, and an unknown alias is empty",
      ifFails = "the insert of create: the instants are the call's now, deleted_at is null",
      when = "offer the Definitions extension")
  void optional_def01_createStoresTheDefinition();

  @Rule(id = "DEF-02",
      text = "create with an alias that is taken, by an ACTIVE, a CANCELED or a deleted definition, is a "
          + "DefinitionException DUPLICATE whose alias() and message name the alias, changing nothing",
      ifFails = "the uniqueness of the alias over every definition, deleted ones included",
      when = "offer the Definitions extension")
  void optional_def02_aTakenAliasIsRefused();

  @Rule(id = "DEF-03",
      text = "update replaces the title, description, status and memo, updated at now, keeping created_at; a "
          + "CANCELED definition can be made ACTIVE again; update of an unknown alias is NOT_FOUND and of a deleted "
          + "one DELETED, each naming the alias and changing nothing",
      ifFails = "the update: its WHERE on the alias and deleted_at, and which columns it writes",
      when = "offer the Definitions extension")
  void optional_def03_updateReplacesTheTexts();

  @Rule(id = "DEF-04",
      text = "cancel makes a definition CANCELED, updated at now, its texts kept; canceling a CANCELED one changes "
          + "nothing; cancel of an unknown alias is NOT_FOUND and of a deleted one DELETED, naming the alias",
      ifFails = "the status change of cancel and its checks",
      when = "offer the Definitions extension")
  void optional_def04_cancelMakesItCanceled();

  @Rule(id = "DEF-05",
      text = "delete is soft: the definition stays, with deleted_at and updated_at now, found by find and by "
          + "list(true) but not by list(false), and its alias stays taken; deleting it again changes nothing; delete "
          + "of an unknown alias is NOT_FOUND, naming it",
      ifFails = "that delete sets deleted_at instead of deleting the row, and that list filters on it",
      when = "offer the Definitions extension")
  void optional_def05_deleteIsSoft();

  @Rule(id = "DEF-06",
      text = "list orders the definitions by alias in code point order (the order of UTF-8 bytes, PostgreSQL's "
          + "COLLATE \"C\")",
      ifFails = "the ORDER BY of list (COLLATE \"C\"; in Java, compare code points)",
      when = "offer the Definitions extension")
  void optional_def06_listIsOrderedByAlias();

  @Rule(id = "DEF-07",
      text = "a blank or too long alias is an IllegalArgumentException, a null definition, alias or now a "
          + "NullPointerException or IllegalArgumentException, a bad now an IllegalArgumentException naming now, "
          + "changing nothing; a closed driver refuses every call with an IllegalStateException, and "
          + "extension(Definitions.class) is the same object on every call",
      ifFails = "that the extension's calls validate their arguments first and check the closed state",
      when = "offer the Definitions extension")
  void optional_def07_badArgumentsAndClosedDriver();
}
