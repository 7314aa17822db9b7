"""The real-world configs of ../shared/realworld/ on server-shaped beans (spec §3, §5, §6, §16).

One JVM registers small populations of Kafka (and Kafka Streams), Cassandra, Tomcat, ZooKeeper,
WildFly, ActiveMQ and Artemis, Flink, Hazelcast, Spark, Helix and WebLogic MBeans
(tests/jvm/fixtures/ServerShapedBeans.java). Each test writes one
config, unchanged, into the agent's config file; the agent reloads it at the next scrape (§13).
Every expected series below was derived by hand from the config's rule text (pattern captures,
name template, lowercasing, labels, type, valueFactor, suffix stripping) and the fixture's fixed
values: see the comment above each one.
"""

from pathlib import Path

import pytest

from harness import DEBIAN_17, free_port, parse_exposition, replace_config, scrape

REALWORLD = Path("/work/shared/realworld")
EXAMPLES = REALWORLD / "jmx_exporter-examples"


@pytest.fixture(scope="module")
def server(module_launcher):
    """(jvm, config path): the JVM serves whatever config a test writes into the file."""
    config = module_launcher.workdir / "config.yaml"
    config.write_text("rules: []\n")
    port = free_port()
    jvm = module_launcher.start(DEBIAN_17, ["--no-beans", "--server-beans", "forever"], f"{port}:{config}",
                                port=port, name="realworld")
    jvm.wait_until_serving(timeout=60)
    return jvm, config


def scrape_with(server, config_file: Path):
    """Installs the config (verbatim) and returns the parsed families of the first scrape after it."""
    jvm, config = server
    replace_config(config, config_file.read_text())   # read and written unchanged
    response = scrape(jvm.port, timeout=60)
    assert response.status == 200, response.text + jvm.describe()
    return parse_exposition(response.text)


def expect(families, family, type_, labels, value, help_text=None):
    """Asserts that `family` has TYPE `type_` and a sample (named `family`) with exactly `labels` and `value`."""
    assert family in families, f"no family {family}; families: {sorted(families)}"
    f = families[family]
    assert f.type == type_, f.type_line
    wanted = tuple(sorted(labels.items()))
    found = [s for s in f.samples if s.name == family and tuple(sorted(s.labels)) == wanted]
    assert found, f"no sample {family}{labels}; samples: {f.sample_lines()}"
    assert found[0].value == value, found[0].line
    if help_text is not None:
        assert f.help_line == f"# HELP {family} {help_text}", f.help_line


def absent(families, prefix):
    names = [name for name in families if name.startswith(prefix)]
    assert not names, f"unexpected families {names}"


def test_strimzi_current_skips_request_metrics_through_its_lookahead(server):
    fams = scrape_with(server, REALWORLD / "strimzi-kafka-metrics-config.yml")
    # PerSec rule with one key pair: kafka_$1_$2_$3_total, COUNTER, lowercaseOutputName; "$4": "$5".
    expect(fams, "kafka_server_brokertopicmetrics_bytesin_total", "counter", {"topic": "orders"}, "1234.0")
    expect(fams, "kafka_server_brokertopicmetrics_bytesin_total", "counter", {}, "5000.0")
    # Generic gauge without key pairs: kafka_$1_$2_$3.
    expect(fams, "kafka_server_replicamanager_underreplicatedpartitions", "gauge", {}, "0.0")
    expect(fams, "kafka_controller_kafkacontroller_activecontrollercount", "gauge", {}, "1.0")
    # Two key pairs, labels from "$4": "$5" and "$6": "$7".
    expect(fams, "kafka_log_log_size", "gauge", {"topic": "orders", "partition": "0"}, "4096.0")
    # Percent MeanRate rule: kafka_$1_$2_$3_percent; the Count of the same bean: kafka_$1_$2_$3_count COUNTER.
    expect(fams, "kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent", "gauge", {}, "0.75")
    expect(fams, "kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent_count_total", "counter", {},
           "8.0")
    # type=(?!RequestMetrics): neither the PerSec, the Count nor the percentile rules take RequestMetrics.
    absent(fams, "kafka_network_requestmetrics")
    # raft-metrics: "(current-state): (.+)" with value 1, UNTYPED, label $1 -> toSafeName(current-state).
    expect(fams, "kafka_server_raftmetrics_current_state", "untyped", {"current_state": "leader"}, "1.0")
    expect(fams, "kafka_server_raftmetrics_election_latency_max_total", "counter", {}, "12.0")   # .+-max COUNTER
    expect(fams, "kafka_server_raftmetrics_poll_idle_ratio_avg", "gauge", {}, "0.5")
    # Only connection-count is kept from socket-server-metrics.
    expect(fams, "kafka_server_socket_server_metrics_connection_count", "gauge",
           {"listener": "PLAINTEXT", "networkProcessor": "0"}, "3.0")
    absent(fams, "kafka_server_socket_server_metrics_connection_creation")
    # The nine look-ahead rules run on PCRE2, and the agent says so once (the first at line 57).
    pcre2 = [line for line in server[0].nativejmx_lines() if "run on PCRE2" in line]
    assert len(pcre2) == 1 and "9 rule(s) run on PCRE2" in pcre2[0] and "(line 57)" in pcre2[0], pcre2


def test_strimzi_previous_revision_exports_request_metrics(server):
    fams = scrape_with(server, REALWORLD / "strimzi-kafka-metrics-config.17a6872.yml")
    # Without the lookahead the PerSec rule with two key pairs takes RequestsPerSec.
    expect(fams, "kafka_network_requestmetrics_requests_total", "counter", {"request": "Produce", "version": "9"},
           "100.0")
    # Percentile rule with one key pair: quantile "0.$6".
    expect(fams, "kafka_network_requestmetrics_totaltimems", "gauge", {"request": "Produce", "quantile": "0.99"},
           "7.5")
    expect(fams, "kafka_network_requestmetrics_totaltimems", "gauge", {"request": "Produce", "quantile": "0.999"},
           "7.5")
    expect(fams, "kafka_network_requestmetrics_totaltimems_count_total", "counter", {"request": "Produce"}, "60.0")


def test_kafka_2_0_0(server):
    fams = scrape_with(server, EXAMPLES / "kafka-2_0_0.yml")
    expect(fams, "kafka_network_requestmetrics_requests_total", "counter", {"request": "Produce", "version": "9"},
           "100.0")
    expect(fams, "kafka_network_requestmetrics_totaltimems", "gauge", {"request": "Produce", "quantile": "0.50"},
           "7.5")
    expect(fams, "kafka_server_replicamanager_underreplicatedpartitions", "gauge", {}, "0.0")


def test_seed_kafka_rules_capture_the_rest_of_the_key_properties(server):
    fams = scrape_with(server, REALWORLD / "seed-kafka-rules.yml")
    # name=(.+)><>(Value|OneMinuteRate): untyped, lowercased.
    expect(fams, "cp_kafka_server_replicamanager_underreplicatedpartitions", "untyped", {}, "0.0")
    expect(fams, "cp_kafka_server_brokertopicmetrics_bytesinpersec", "untyped", {}, "10.5")
    # The trap SOURCES.md names: on the per-topic bean (.+) also takes ", topic=orders".
    expect(fams, "cp_kafka_server_brokertopicmetrics_bytesinpersec_topic_orders", "untyped", {}, "2.5")
    expect(fams, "cp_kafka_controller_kafkacontroller_activecontrollercount", "untyped", {}, "1.0")


def test_kafka_kraft_info_rule_loses_its_suffix(server):
    fams = scrape_with(server, EXAMPLES / "kafka-kraft-3_0_0.yml")
    # kafka_server_raft_metrics_current_state_info GAUGE, value 1: `_info` is stripped (§6.4).
    expect(fams, "kafka_server_raft_metrics_current_state", "gauge", {"state": "leader"}, "1.0")
    absent(fams, "kafka_server_raft_metrics_current_state_info")
    # kafka.server<type=(.+)><>([a-z-]+): kafka_server_$1_$2, sanitised.
    expect(fams, "kafka_server_raft_metrics_poll_idle_ratio_avg", "gauge", {}, "0.5")


def test_kafka_connect_app_info(server):
    fams = scrape_with(server, EXAMPLES / "kafka-connect.yml")
    # start-time-ms * valueFactor 0.001, help "Kafka $1 JMX metric start time seconds".
    expect(fams, "kafka_connect_start_time_seconds", "gauge", {"clientId": "connect-1"}, "1.7E9",
           "Kafka connect JMX metric start time seconds")
    # kafka_$1_$3_info with value 1 and label $3: "$4": the `_info` suffix is stripped.
    expect(fams, "kafka_connect_version", "gauge", {"clientId": "connect-1", "version": "3.7.0"}, "1.0",
           "Kafka connect JMX metric info version and commit-id")
    expect(fams, "kafka_connect_commit_id", "gauge", {"clientId": "connect-1", "commit_id": "abc123"}, "1.0")


def test_cassandra_lookahead_and_whitelist(server):
    fams = scrape_with(server, EXAMPLES / "cassandra.yml")
    # Spec §16: (?!scope) keeps scope=READ out of the optional pair; "$1": "$4" labels it.
    expect(fams, "cassandra_droppedmessage_dropped_count", "untyped", {"droppedmessage": "READ"}, "5.0")
    # Latency Count: name=((?:.+)?(?:Latency)) -> cassandra_$1_$5_seconds_count; "$2": "$3" -> keyspace.
    expect(fams, "cassandra_keyspace_readlatency_seconds_count", "untyped", {"keyspace": "ks1"}, "10.0")
    # Percentile * valueFactor 0.000001, quantile "0.$6".
    expect(fams, "cassandra_keyspace_readlatency_seconds", "gauge", {"keyspace": "ks1", "quantile": "0.99"},
           "2.5E-4")
    # (.+)?(?:Total)(Latency): ReadTotalLatency -> cassandra_$1_$5$6_seconds_sum, microseconds to seconds.
    expect(fams, "cassandra_keyspace_readlatency_seconds_sum", "untyped", {"keyspace": "ks1"}, "5.0")
    expect(fams, "cassandra_storage_load_count", "untyped", {}, "123456.0")
    # Gauge with a key pair and a scope: "$1": "$4" and "$2": "$3".
    expect(fams, "cassandra_threadpools_pendingtasks", "gauge", {"threadpools": "ReadStage", "path": "request"},
           "2.0")
    # type=Table is not in whitelistObjectNames.
    absent(fams, "cassandra_table")


def test_tomcat(server):
    fams = scrape_with(server, EXAMPLES / "tomcat.yml")
    # serverInfo: (.+) with value 1, COUNTER; label names lowercased, values kept.
    expect(fams, "tomcat_serverinfo_total", "counter", {"serverinfo": "Apache Tomcat/9.0.85"}, "1.0")
    # name=\"(\w+-\w+)-(\d+)\": the quoted property value; help "Tomcat global $3".
    expect(fams, "tomcat_requestcount_total", "counter", {"port": "8080", "protocol": "http-nio"}, "7.0",
           "Tomcat global requestCount")
    expect(fams, "tomcat_bytessent_total", "counter", {"port": "8080", "protocol": "http-nio"}, "1024.0")
    expect(fams, "tomcat_threadpool_currentthreadsbusy", "gauge", {"port": "8080", "protocol": "http-nio"}, "3.0",
           "Tomcat threadpool currentThreadsBusy")
    expect(fams, "tomcat_session_sessioncounter_total", "counter", {"context": "/app", "host": "localhost"}, "12.0")
    expect(fams, "tomcat_servlet_requestcount_total", "counter", {"module": "localhost/app", "servlet": "dispatcher"},
           "40.0", "Tomcat servlet requestCount total")


def test_zookeeper(server):
    fams = scrape_with(server, EXAMPLES / "zookeeper.yaml")
    # No `help:`: the default HELP, the attribute's description first (spec §5.7).
    expect(fams, "zookeeper_NumAliveConnections", "gauge", {}, "4.0",
           "the NumAliveConnections metric org.apache.ZooKeeperService:name=null,type=null,"
           "attribute=NumAliveConnections")
    expect(fams, "zookeeper_TickTime", "gauge", {}, "2000.0")
    absent(fams, "zookeeper_Version")   # a String without `value:` gives no sample
    expect(fams, "zookeeper_NodeCount", "gauge", {}, "42.0")
    # (Packets\w+) rule before the generic one: COUNTER with replicaId and memberType.
    expect(fams, "zookeeper_PacketsReceived_total", "counter", {"replicaId": "1", "memberType": "Leader"}, "100.0")
    expect(fams, "zookeeper_AvgRequestLatency", "gauge", {"replicaId": "1", "memberType": "Leader"}, "3.0")


def test_wildfly(server):
    fams = scrape_with(server, EXAMPLES / "wildfly-10.yaml")
    # attrNameSnakeCase: requestCount -> request_count in the pattern input.
    expect(fams, "wildfly_undertow_request_count", "untyped", {"server": "default-server", "listener": "default"},
           "99.0")
    expect(fams, "wildfly_undertow_bytes_sent", "untyped", {"server": "default-server", "listener": "default"},
           "2048.0")
    absent(fams, "wildfly_undertow_max_connections")
    expect(fams, "wildfly_datasource_pool_active_count", "untyped", {"name": "ExampleDS"}, "2.0")
    # "jboss.as:subsystem=transactions*" (a value wildcard) selects the bean; number_of_(.+).
    expect(fams, "wildfly_transaction_transactions", "untyped", {}, "10.0")


def test_activemq(server):
    fams = scrape_with(server, EXAMPLES / "activemq.yml")
    expect(fams, "activemq_connections", "gauge", {}, "3.0")
    expect(fams, "activemq_enqueue_total", "counter", {}, "50.0")       # Total(.*)Count
    expect(fams, "activemq_memory_usage_ratio", "gauge", {}, "0.2")     # 20 * valueFactor 0.01
    expect(fams, "activemq_queue_queue_size", "untyped", {"destination": "orders"}, "5.0")
    expect(fams, "activemq_queue_enqueue_count", "untyped", {"destination": "orders"}, "40.0")


def test_flink(server):
    fams = scrape_with(server, EXAMPLES / "flink.yml")
    expect(fams, "flink_jobmanager_taskSlotsTotal", "untyped", {}, "4.0")
    expect(fams, "flink_taskmanager_numRecordsIn_total", "counter",
           {"flink_job": "My_Job", "operator": "Map", "partition": "1"}, "77.0")


def test_hazelcast_quoted_tag_keeps_its_quotes(server):
    fams = scrape_with(server, EXAMPLES / "hazelcast.yml")
    expect(fams, "hazelcast_owned_entry_count", "untyped",
           {"instance": "hz1", "prefix": "map", "tag0": '"name=orders"'}, "3.0")
    expect(fams, "hazelcast_system_load_average", "untyped", {"instance": "hz1", "prefix": "os"}, "0.5")


def test_presto_reads_only_the_included_bean(server):
    fams = scrape_with(server, EXAMPLES / "presto.yml")
    family = fams["java_lang_Threading_ThreadCount"]
    assert family.type == "untyped"
    assert family.help_line == ("# HELP java_lang_Threading_ThreadCount "
                                "ThreadCount (java.lang<type=Threading><>ThreadCount)")
    assert [s.labels for s in family.samples] == [()]
    assert float(family.samples[0].value) >= 1
    # includeObjectNames: [java.lang:type=Threading] -> no server bean is read.
    absent(fams, "kafka_")
    absent(fams, "java_lang_Memory")


def test_kafka_0_8_2_mixed_types_of_one_stripped_name_are_untyped(server):
    fams = scrape_with(server, EXAMPLES / "kafka-0-8-2.yml")
    # `name=(.+)PerSec\w*, topic=(.+)` (no type) and `name=(.+)PerSec\w*` (COUNTER) both name
    # kafka_server_brokertopicmetrics_bytesin_total: one family after stripping, mixed types -> untyped.
    expect(fams, "kafka_server_brokertopicmetrics_bytesin", "untyped", {"topic": "orders"}, "1234.0")
    expect(fams, "kafka_server_brokertopicmetrics_bytesin", "untyped", {}, "5000.0")
    expect(fams, "kafka_log_size", "untyped", {"topic": "orders", "partition": "0"}, "4096.0")
    expect(fams, "kafka_controller_kafkacontroller_activecontrollercount", "untyped", {}, "1.0")
    # request=(.+) also takes ", version=9".
    expect(fams, "kafka_network_requestmetrics_requests", "untyped", {"request": "Produce, version=9"}, "100.0")


def test_kafka_before_0_8_2_quoted_names(server):
    fams = scrape_with(server, EXAMPLES / "kafka-pre0-8-2.yml")
    expect(fams, "kafka_server_brokertopicmetrics_bytesin_total", "counter", {"topic": "orders"}, "321.0")
    expect(fams, "kafka_log_size", "untyped", {"topic": "orders", "partition": "0"}, "77.0")


def test_kafka_streams(server):
    fams = scrape_with(server, EXAMPLES / "kafka_stream.yml")
    expect(fams, "kafka_streams_thread_poll_latency_max", "gauge", {}, "12.0",
           "Maximum poll latency of a stream thread")
    expect(fams, "kafka_streams_thread_commit_rate", "gauge", {}, "0.5")
    expect(fams, "kafka_streams_alive_stream_threads", "gauge", {}, "2.0")
    # state: RUNNING with value 1 and the client id from `.*client-id=(.+)`.
    expect(fams, "kafka_streams_state_running", "gauge", {"clientid": "app-1"}, "1.0")
    absent(fams, "kafka_streams_state_rebalancing")


def test_spark_3_names_have_a_type_property(server):
    fams = scrape_with(server, EXAMPLES / "spark-3-0.yml")
    app = "app-20160809000059-0003"
    expect(fams, "spark_driver_DAGScheduler_stage_failedStages", "gauge", {"app_id": app}, "0.0")
    expect(fams, "spark_executor_threadpool_activeTasks", "gauge", {"app_id": app, "executor_id": "1"}, "2.0")
    # filesystem gauges are exported as counters: spark_executor_filesystem_$3_total.
    expect(fams, "spark_executor_filesystem_hdfs_read_bytes_total", "counter", {"app_id": app, "executor_id": "1"},
           "2048.0")
    # The Spark 2 bean has no type=gauges: no rule takes it.
    assert len(fams["spark_driver_DAGScheduler_stage_failedStages"].samples) == 1


def test_spark_2_rules_on_spark_2_and_spark_3_names(server):
    fams = scrape_with(server, EXAMPLES / "spark.yml")
    expect(fams, "spark_driver_DAGScheduler_stage_failedStages", "gauge", {"app_id": "app-20160809000059-0002"},
           "1.0")
    # On a Spark 3 name the last (.*) also takes ", type=gauges".
    expect(fams, "spark_driver_DAGScheduler_stage_failedStages_type_gauges", "gauge",
           {"app_id": "app-20160809000059-0003"}, "0.0")


def test_artemis(server):
    fams = scrape_with(server, EXAMPLES / "artemis-2.yml")
    expect(fams, "artemis_connection_count_total", "counter", {}, "4.0")
    expect(fams, "artemis_number_of_messages_total", "counter", {"address": "orders"}, "7.0")
    # The label name is a capture: "$5": $6 -> queue="orders".
    expect(fams, "artemis_message_count_total", "counter", {"address": "orders", "queue": "orders"}, "7.0")


def test_helix(server):
    fams = scrape_with(server, EXAMPLES / "helix.yml")
    expect(fams, "helix_cluster_status_DisabledInstances", "gauge", {"cluster": "c1"}, "0.0")
    # ([^,]*)Count[^,]*: the last "Count" in RebalanceFailureCounter.
    expect(fams, "helix_cluster_status_RebalanceFailure_total", "counter", {"cluster": "c1"}, "3.0")
    expect(fams, "helix_resource_Partition", "gauge", {"cluster": "c1", "resource": "r1"}, "10.0")


def test_weblogic(server):
    fams = scrape_with(server, EXAMPLES / "weblogic.yml")
    expect(fams, "weblogic_application_workmanager_completed_requests", "untyped",
           {"runtime": "AdminServer", "name": "default", "application": "moduleJMS"}, "12.0")
    expect(fams, "weblogic_jdbcdatasource_active_connections_current_count", "untyped",
           {"runtime": "AdminServer", "name": "myDS"}, "3.0")
    absent(fams, "weblogic_ejbcomponent")   # not in whitelistObjectNames


def test_standalone_config_is_refused_with_the_reason(launcher, tmp_path):
    # The javaagent refuses it at start-up (oracle-samples/README.md): we answer 503 with the reason.
    config = tmp_path / "standalone.yml"
    config.write_bytes((EXAMPLES / "standalone_sample_config.yml").read_bytes())
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["--no-beans", "forever"], f"{port}:{config}", port=port)
    jvm.wait_until_serving(timeout=60)
    response = scrape(port, timeout=60)
    assert response.status == 503, jvm.describe()
    assert "you must not configure 'jmxUrl' or 'hostPort'" in response.text, response.text
    assert str(config) in response.text
