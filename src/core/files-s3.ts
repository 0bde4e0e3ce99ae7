// S3-compatible blob store (AWS S3, Cloudflare R2, MinIO) for deployments without a shared disk.
import { PassThrough, Readable } from 'node:stream';
import type { BlobInfo, BlobStore } from './files.ts';

export async function createS3BlobStore(o: { endpoint?: string; bucket?: string; region: string; accessKeyId?: string; secretAccessKey?: string }): Promise<BlobStore> {
  if (!o.bucket) throw new Error('ATELIER_FILES=s3 needs S3_BUCKET');
  const s3 = await import('@aws-sdk/client-s3');
  const { Upload } = await import('@aws-sdk/lib-storage');
  const client = new s3.S3Client({
    region: o.region, endpoint: o.endpoint, forcePathStyle: !!o.endpoint,
    credentials: o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } : undefined,
  });
  const Bucket = o.bucket;
  const toBuffer = async (body: any): Promise<Buffer> => Buffer.from(await body.transformToByteArray());
  const store: BlobStore = {
    async put(key, data) {
      if (!(data instanceof Readable)) {
        const Body = typeof data === 'string' ? Buffer.from(data) : data;
        await client.send(new s3.PutObjectCommand({ Bucket, Key: key, Body }));
        return { key, size: Body.length, modified: new Date() };
      }
      // a stream of unknown length (a release volume, an upload) is sent in 8 MiB parts, at most
      // two in flight: memory stays bounded whatever its size; a failed upload aborts its parts
      let size = 0;
      const counted = data.pipe(new PassThrough({ transform(chunk, _enc, cb) { size += chunk.length; cb(null, chunk); } }));
      let sourceError: Error | null = null;
      data.once('error', (e) => { sourceError = e; counted.destroy(e); });
      const upload = new Upload({ client, params: { Bucket, Key: key, Body: counted }, partSize: 8 * 1024 * 1024, queueSize: 2, leavePartsOnError: false });
      // the source's own error is the one to report (not a failure of the clean-up that follows it)
      await upload.done().catch((e) => { throw sourceError ?? e; });
      return { key, size, modified: new Date() };
    },
    async get(key) {
      const r = await client.send(new s3.GetObjectCommand({ Bucket, Key: key }));
      return toBuffer(r.Body);
    },
    async stream(key) {
      const r = await client.send(new s3.GetObjectCommand({ Bucket, Key: key }));
      return r.Body as Readable;
    },
    async stat(key) {
      try {
        const r = await client.send(new s3.HeadObjectCommand({ Bucket, Key: key }));
        return { key, size: Number(r.ContentLength ?? 0), modified: r.LastModified ?? new Date() };
      } catch {
        return null;
      }
    },
    async delete(key) {
      await client.send(new s3.DeleteObjectCommand({ Bucket, Key: key }));
    },
    async deletePrefix(prefix) {
      const items = await store.list(prefix);
      for (const it of items) await store.delete(it.key);
      return items.length;
    },
    async list(prefix) {
      const out: BlobInfo[] = [];
      let token: string | undefined;
      do {
        const r = await client.send(new s3.ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }));
        for (const c of r.Contents ?? []) out.push({ key: c.Key!, size: Number(c.Size ?? 0), modified: c.LastModified ?? new Date() });
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
  };
  return store;
}
