//! Both backends' migrations end with the same logical schema (issue 4):
//! the same tables, columns, type families and nullability. Runs when
//! `VITRINE_TEST_DATABASE_URL` names a PostgreSQL server, as `.ci/run` does.

#[tokio::test]
async fn sqlite_and_postgres_migrations_agree() {
    let sqlite_dir = tempfile::tempdir().expect("tempdir");
    let sqlite =
        vitrine::app::App::open(vitrine::settings::Settings::for_data_dir(sqlite_dir.path()))
            .await
            .expect("sqlite");
    let sqlite_schema = sqlite
        .store()
        .logical_schema()
        .await
        .expect("sqlite schema");
    assert!(sqlite_schema.contains_key("entries") && sqlite_schema.contains_key("releases"));
    assert_eq!(
        sqlite_schema["entries"]["caption"],
        ("text".to_owned(), true)
    );

    if std::env::var("VITRINE_TEST_DATABASE_URL").is_err() {
        eprintln!("PostgreSQL comparison skipped: VITRINE_TEST_DATABASE_URL is not set");
        return;
    }
    let pg_dir = tempfile::tempdir().expect("tempdir");
    let pg = vitrine::app::testing::open(pg_dir.path())
        .await
        .expect("postgres");
    assert_eq!(pg.store().backend(), vitrine_store::Backend::Postgres);
    let pg_schema = pg.store().logical_schema().await.expect("postgres schema");
    assert_eq!(sqlite_schema, pg_schema);
}
