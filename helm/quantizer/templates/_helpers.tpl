{{/* Names, labels and the pieces both Deployments share. */}}

{{- define "quantizer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped base name; role suffixes ("-api", "-worker") are appended, so keep room for them. */}}
{{- define "quantizer.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 56 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "quantizer.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "quantizer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "quantizer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "quantizer.labels" -}}
helm.sh/chart: {{ include "quantizer.chart" . }}
{{ include "quantizer.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: quantizer
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of one role; call with (dict "root" $ "role" "api"|"worker"). */}}
{{- define "quantizer.roleSelectorLabels" -}}
{{ include "quantizer.selectorLabels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "quantizer.roleLabels" -}}
{{ include "quantizer.labels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "quantizer.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "quantizer.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "quantizer.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the chart creates from values (database password, S3 keys). */}}
{{- define "quantizer.secretName" -}}
{{- printf "%s-credentials" (include "quantizer.fullname" .) }}
{{- end }}

{{- define "quantizer.createsDatabaseSecret" -}}
{{- if and (not .Values.database.existingSecret) .Values.database.password }}true{{ end }}
{{- end }}

{{- define "quantizer.createsS3Secret" -}}
{{- $s3 := .Values.storage.s3 }}
{{- if and (eq .Values.storage.type "s3") (not $s3.existingSecret) $s3.accessKey }}true{{ end }}
{{- end }}

{{- define "quantizer.jdbcUrl" -}}
{{- $db := .Values.database }}
{{- printf "jdbc:postgresql://%s:%d/%s?sslmode=%s" $db.host (int $db.port) $db.name $db.sslMode }}
{{- if $db.sslRootCert.existingSecret }}
{{- printf "&sslrootcert=%s/%s" (include "quantizer.dbCaDir" .) $db.sslRootCert.key }}
{{- end }}
{{- end }}

{{/* Where the database's CA certificate Secret is mounted. */}}
{{- define "quantizer.dbCaDir" -}}
/etc/quantizer/database-ca
{{- end }}

{{/* The database CA's volume mount and volume, for both roles; nothing when no CA is configured. */}}
{{- define "quantizer.dbCaMount" -}}
{{- if .Values.database.sslRootCert.existingSecret }}
- name: database-ca
  mountPath: {{ include "quantizer.dbCaDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "quantizer.dbCaVolume" -}}
{{- if .Values.database.sslRootCert.existingSecret }}
- name: database-ca
  secret:
    secretName: {{ .Values.database.sslRootCert.existingSecret }}
    defaultMode: 0444
    items:
      - key: {{ .Values.database.sslRootCert.key }}
        path: {{ .Values.database.sslRootCert.key }}
{{- end }}
{{- end }}

{{/* Credentials as environment variables (Spring's relaxed binding maps them onto the properties). */}}
{{- define "quantizer.credentialsEnv" -}}
{{- with .Values.security.adminKey }}
{{- if .existingSecret }}
- name: QUANTIZER_SECURITY_ADMINKEY
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .key }}
{{- end }}
{{- end }}
{{- $db := .Values.database }}
{{- if $db.existingSecret }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.existingSecretPasswordKey }}
{{- else if $db.password }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "quantizer.secretName" . }}
      key: database-password
{{- end }}
{{- $s3 := .Values.storage.s3 }}
{{- if eq .Values.storage.type "s3" }}
{{- if $s3.existingSecret }}
- name: QUANTIZER_STORAGE_S3_ACCESSKEY
  valueFrom:
    secretKeyRef:
      name: {{ $s3.existingSecret }}
      key: {{ $s3.existingSecretAccessKeyKey }}
- name: QUANTIZER_STORAGE_S3_SECRETKEY
  valueFrom:
    secretKeyRef:
      name: {{ $s3.existingSecret }}
      key: {{ $s3.existingSecretSecretKeyKey }}
{{- else if $s3.accessKey }}
- name: QUANTIZER_STORAGE_S3_ACCESSKEY
  valueFrom:
    secretKeyRef:
      name: {{ include "quantizer.secretName" . }}
      key: s3-access-key
- name: QUANTIZER_STORAGE_S3_SECRETKEY
  valueFrom:
    secretKeyRef:
      name: {{ include "quantizer.secretName" . }}
      key: s3-secret-key
{{- end }}
{{- end }}
{{- end }}

{{/* Container-level half of the restricted Pod Security profile. */}}
{{- define "quantizer.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsGroup }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "quantizer.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsGroup }}
fsGroup: {{ .Values.podSecurity.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Health-group probes against the management port. */}}
{{- define "quantizer.probes" -}}
{{- $p := .Values.probes -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: {{ $p.liveness.periodSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: management
  periodSeconds: {{ $p.readiness.periodSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
{{- end }}

{{- define "quantizer.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .root.Values.management.port | quote }}
prometheus.io/path: /actuator/prometheus
{{- end }}
{{- with .values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Scheduling settings of one role; call with its values. */}}
{{- define "quantizer.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
