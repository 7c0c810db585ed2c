package io.quantizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json stops bad values at {@code helm template}/{@code install} time, with Helm's message
 * naming the offending key, before anything reaches a cluster.
 */
class ChartValuesSchemaTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative api replicas            | api: {replicas: -1}                                   | /api/replicas
            negative worker replicas         | worker: {replicas: -3}                                | /worker/replicas
            replicas of the wrong type       | worker: {replicas: two}                               | /worker/replicas
            zero concurrency                 | worker: {concurrency: 0}                              | /worker/concurrency
            unknown top-level key            | replicaCount: 3                                       | replicaCount
            misspelt nested key              | worker: {concurency: 2}                               | concurency
            unknown storage type             | storage: {type: gcs}                                  | /storage/type
            root user                        | podSecurity: {runAsUser: 0}                           | /podSecurity/runAsUser
            child heap in JVM syntax         | worker: {childMaxHeap: 2g}                            | /worker/childMaxHeap
            duration without a unit          | api: {shutdownTimeout: 30}                            | /api/shutdownTimeout
            management port on the http port | management: {port: 8080}                              | /management/port
            filesystem without a volume      | storage: {type: filesystem}                           | /storage
            access key without secret key    | storage: {s3: {accessKey: AKIA1}}                     | /storage
            bad sslmode                      | database: {sslMode: sometimes}                        | /database/sslMode
            port out of range                | database: {port: 70000}                               | /database/port
            memory limit that is no quantity | api: {resources: {limits: {memory: lots}}}            | /api/resources/limits/memory
            ingress path without slash       | ingress: {hosts: [{host: a.b, paths: [{path: api, pathType: Prefix}]}]} | path
            unknown logging format           | logging: {format: xml}                                | /logging/format
            upload cap in JVM syntax         | upload: {maxSize: 2g}                                 | /upload/maxSize
            zero concurrent uploads          | upload: {maxConcurrent: 0}                            | /upload/maxConcurrent
            free space in JVM syntax         | upload: {minFreeSpace: 1g}                            | /upload/minFreeSpace
            verify-full without a CA         | database: {sslMode: verify-full}                      | /database
            verify-ca with an empty CA name  | database: {sslMode: verify-ca, sslRootCert: {existingSecret: ''}} | /database/sslRootCert/existingSecret
            zero attempts                    | worker: {maxAttempts: 0}                              | /worker/maxAttempts
            result size in JVM syntax        | worker: {maxResultSize: 1m}                           | /worker/maxResultSize
            retention without a unit         | jobs: {retention: 30}                                 | /jobs/retention
            callback allow-list of host names | callbacks: {allow: [ci.example.com]}                 | /callbacks/allow/0
            policy without database peers    | networkPolicy: {enabled: true, objectStore: [{ipBlock: {cidr: 1.2.3.0/24}}]} | /networkPolicy/database
            policy without store peers       | networkPolicy: {enabled: true, database: [{ipBlock: {cidr: 10.0.0.0/24}}]} | /networkPolicy/objectStore
            policy peer of an unknown kind   | networkPolicy: {callbacks: [{service: ci}]}           | service
            """)
    void refusesInvalidValues(String description, String values, String pointer) {
        assertThatThrownBy(() -> RenderedChart.template(values + "\n"))
                .as(description)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(pointer);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            zero workers               | worker: {replicas: 0}
            percent disruption budget  | worker: {podDisruptionBudget: {enabled: true, maxUnavailable: 50%}}
            numeric cpu                | api: {resources: {limits: {cpu: 2, memory: 2Gi}, requests: {cpu: 0.5, memory: 2Gi}}}
            S3 on MinIO                | storage: {s3: {endpoint: 'http://minio:9000', pathStyleAccess: true, accessKey: a, secretKey: b}}
            verify-full with a CA      | database: {sslMode: verify-full, sslRootCert: {existingSecret: pg-ca, key: root.crt}}
            a retention                | jobs: {retention: 30d}
            an allowed callback range  | callbacks: {allow: ['10.42.0.0/16', 'fd00::/8']}
            """)
    void acceptsValidVariations(String description, String values) {
        assertThat(RenderedChart.template(values + "\n")).as(description).contains("kind: Deployment");
    }
}
