// RFC 8474 object ids. EMAILID names the message content, which the store keeps once however
// many folders hold a copy: `M` + the body's id (blob ids are already objectid characters; any
// other character is replaced, so a foreign store's ids still give valid objectids).

const NON_OBJECTID = /[^A-Za-z0-9_-]/g;

export function emailId(blobId: string): string {
  return ('M' + blobId.replace(NON_OBJECTID, '_')).slice(0, 255);
}
