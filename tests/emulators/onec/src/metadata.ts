import type { OneCState } from './state.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A minimal EDMX listing what is published: enough for a person (or a health probe) to see the names. */
export function metadataXml(state: OneCState): string {
  const names = [...state.sets.keys(), ...state.registers.keys()].filter((n) => !state.unpublished.has(n));
  const sets = names
    .map((n) => `<EntitySet Name="${esc(n)}" EntityType="StandardODATA.${esc(n)}"/>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">' +
    '<edmx:DataServices m:DataServiceVersion="3.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
    '<Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" Namespace="StandardODATA">' +
    `<EntityContainer Name="EnterpriseV8" m:IsDefaultEntityContainer="true">${sets}</EntityContainer>` +
    '</Schema></edmx:DataServices></edmx:Edmx>'
  );
}
