"""The stack config `ops adopt` writes for the guide's setup made by hand (tests/test_adopt.py)."""

EXPECTED_CONFIG = """\
config:
  dbtcloud:accountId: '12345'
  databricks:host: https://dbc-a1b2c3d4-e5f6.cloud.databricks.com
  dbtcloud-databricks:protect: true
  dbtcloud-databricks:project:
    name: Shanghai Transport DW
    description: Shanghai public transport data warehouse
    dbtProjectSubdirectory: data_warehouse/dbt
    repository:
      remoteUrl: git@github.com:shanghai-data/shanghai-transport-dw.git
      gitCloneStrategy: github_app
      githubInstallationId: 10000001
  dbtcloud-databricks:warehouse:
    name: dbt-production
    size: Small
    autoStopMinutes: 10
    serverless: true
    maxClusters: 2
    tags:
      team: data-platform
      managed-by: hand
  dbtcloud-databricks:connection:
    name: Databricks - Production
    catalog: shanghai_transport
  dbtcloud-databricks:environments:
    development:
      name: Development
      type: development
    production:
      name: Production
      type: deployment
      deploymentType: production
      credential:
        schema: analytics
        catalog: shanghai_transport
  dbtcloud-databricks:jobs:
    daily-pipeline-production:
      name: Daily Pipeline - Production
      description: Builds and tests every model each night, then generates the docs.
      environment: production
      steps:
        - dbt run --select staging+ dimensions+ facts+ marts+
        - dbt test
      schedule:
        cron: 0 2 * * *
      threads: 8
      timeoutMinutes: 60
      generateDocs: true
      sourceFreshness: true
    marts-data-quality-production:
      name: Marts Data Quality - Production
      environment: production
      steps:
        - dbt test --select marts --store-failures
      runAfter:
        job: daily-pipeline-production
        statuses:
          - success
      threads: 4
      timeoutMinutes: 30
  dbtcloud-databricks:notifications:
    email-user-100001:
      type: userEmail
      userId: 100001
      onFailure:
        - daily-pipeline-production
        - marts-data-quality-production
    slack-data-alerts:
      type: slack
      userId: 100001
      slackChannelId: C0123456789
      slackChannelName: '#data-alerts'
      onFailure:
        - daily-pipeline-production
        - marts-data-quality-production
      onCancel:
        - daily-pipeline-production
  dbtcloud-databricks:environmentVariables:
    DBT_TARGET_CATALOG:
      project: shanghai_transport
      production: shanghai_transport
  dbtcloud-databricks:importIds:
    project: '270542'
    repository: 270542:345678
    connection: '456789'
    warehouse: 0123456789abcdef
    environments:
      development: 270542:234566
      production: 270542:234567
    credentials:
      production: 270542:567890
    jobs:
      daily-pipeline-production: '678901'
      marts-data-quality-production: '678902'
"""
"""The guide's hand-made setup as `adopt` writes it (the fake's API address is http, so no dbtcloud:hostUrl)."""
